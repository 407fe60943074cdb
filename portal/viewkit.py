"""What every view of every app uses: the signed-in request type and the call-a-service helper."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar, overload

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from portal.errors import DomainError
from portal.models import User

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required`` (or a role decorator): ``user`` is a real ``User``."""

    user: User


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a view that is behind ``login_required``."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("current_user() needs a signed-in request")
    return user


def report_error(request: HttpRequest, exc: DomainError, form: BaseForm | None = None) -> None:
    """Show a refused action on its form field when there is one, else above the form or as a
    message; the error's ``link`` (if any) follows the message."""
    text: str = exc.message
    if exc.link is not None:
        url, label = exc.link
        text = format_html('{} <a href="{}">{}</a>', exc.message, url, label)
    if form is not None and exc.field and exc.field in form.fields:
        form.add_error(exc.field, text)
    elif form is not None:
        form.add_error(None, text)
    else:
        messages.error(request, text)


def call_service(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    form: BaseForm | None = None,
    success: str = "",
) -> tuple[bool, T | None]:
    """Run one service call; a ``DomainError`` becomes a form error or a message.

    Returns ``(True, result)`` when the service succeeded (after adding ``success`` as a
    message, if given) and ``(False, None)`` when a rule refused it.
    """
    try:
        result = action()
    except DomainError as exc:
        report_error(request, exc, form)
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def select_options(choices: Iterable[tuple[object, object]], selected: object) -> SafeString:
    """``<option>`` elements for a long filter list, escaped, built in Python: the template
    language would take far longer over hundreds of options."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html('<option value="{}" selected>{}</option>', value, label)
                if str(value) == str(selected)
                else format_html('<option value="{}">{}</option>', value, label),
            )
            for value, label in choices
        ),
    )


def query_without_page(request: HttpRequest, param: str = "page") -> str:
    """The list page's query string without its page number, for the pager's links."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


class _Counted(Generic[M]):
    """A queryset whose length is known already (from an aggregate), so paging does not count."""

    def __init__(self, queryset: QuerySet[M], count: int) -> None:
        self.queryset, self.total = queryset, count

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[M]:
        return iter(self.queryset)

    @overload
    def __getitem__(self, key: int) -> M: ...
    @overload
    def __getitem__(self, key: slice) -> QuerySet[M]: ...
    def __getitem__(self, key: int | slice) -> M | QuerySet[M]:
        return self.queryset[key]


def page_of(queryset: QuerySet[M], *, count: int, number: str | None, size: int = 50) -> Page[M]:
    """Page ``number`` (any text: a bad one gives the first or last page) of ``queryset``,
    whose ``count`` rows the caller has counted already."""
    return Paginator(_Counted(queryset, count), size).get_page(number)

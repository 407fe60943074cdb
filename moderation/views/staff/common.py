"""What the moderators' and comms pages share: the role check and the capped paginator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.functional import cached_property

from moderation.models import Item
from moderation.permissions import (
    can_moderate_any_channel,
)
from portal.viewkit import AuthenticatedHttpRequest

View = Callable[..., HttpResponse]
PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator[Item]):
    """Counts at most ``COUNT_CAP + 1`` rows: a full COUNT(*) of a huge queue costs more than
    the page itself, and nobody pages beyond 200 pages of a priority-ordered queue."""

    object_list: QuerySet[Item]

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: COUNT_CAP + 1].count())


def moderator_required(view: View) -> View:
    """Signed in and a moderator of at least one channel (comms: all); 403 otherwise."""

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_moderate_any_channel(request.user):
            raise PermissionDenied("Moderation is for comms staff and official account admins.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _require(allowed: bool, message: str) -> None:
    """403 with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)

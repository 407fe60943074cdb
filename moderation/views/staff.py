"""Moderators' and comms pages: the queue, items and their decisions, imports, channels and
tokens, statistics, categories, managing incidents and removal requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from moderation import forms, selectors
from moderation.errors import DecisionConflictError, ModerationError
from moderation.imports import ImportRowsError, parse_csv
from moderation.models import Category, Item
from moderation.permissions import (
    can_edit_categories,
    can_manage_removal_requests,
    can_moderate_any_channel,
    can_release_claim,
    can_reopen_decision,
    can_report_incident,
    can_see_statistics,
)
from moderation.services import categories, decisions, items, removals, tokens
from portal.audit import audit_personal_data_view
from portal.models import User
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user, report_error

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


@moderator_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    form = forms.QueueFilterForm(
        request.GET or None, channels=selectors.channel_choices_for(user=user)
    )
    filters = selectors.QueueFilters()
    if form.is_valid():
        filters = selectors.QueueFilters(
            channel=form.cleaned_data["channel"],
            category=form.cleaned_data["category"],
            state=form.cleaned_data["state"] or "open",
        )
    paginator = CappedPaginator(selectors.queue_for(user=user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filters": filters}
    capped = page.paginator.count > COUNT_CAP
    return render(request, "moderation/queue.html", {**context, "capped": capped, "cap": COUNT_CAP})


@moderator_required
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_item_or_404(current_user(request), pk)
    return _render_item(request, item, forms.DecisionForm())


def _render_item(
    request: AuthenticatedHttpRequest,
    item: Item,
    decision_form: forms.DecisionForm,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    context = {
        "item": item,
        "suggestions": selectors.item_suggestions(item=item),
        "active_decision": selectors.active_decision(item=item),
        "author_history": selectors.author_history(item=item),
        "comms": can_reopen_decision(user),
        "can_report_incident": can_report_incident(user),
        "decision_form": decision_form,
        "reopen_form": forms.ReasonForm(),
        "can_reopen": can_reopen_decision(user),
        "can_release": can_release_claim(user, item),
        "escalations": selectors.item_escalations(item=item),
    }
    if item.reporter_email:
        audit_personal_data_view(actor=user, subject=item, fields=["reporter_email"])
    return render(request, "moderation/item_detail.html", context, status=status)


@moderator_required
@require_POST
def item_claim_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.access_item_or_404(user, pk)
    call_service(
        request,
        lambda: items.item_claim(actor=user, item_id=item.pk),
        success="You have claimed this item.",
    )
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
@require_POST
def item_release_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.access_item_or_404(user, pk)
    call_service(
        request,
        lambda: items.item_release(actor=user, item_id=item.pk),
        success="Item released to the queue.",
    )
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
@require_POST
def item_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.access_item_or_404(user, pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _render_item(request, item, form, status=400)
    data = form.cleaned_data
    try:
        decisions.item_decide(
            actor=user,
            item_id=item.pk,
            outcome=data["outcome"],
            reason=data["reason"],
            category_id=data["category"].pk if data["category"] else None,
            message_to_reporter=data["message_to_reporter"],
        )
    except DecisionConflictError as exc:
        # Someone else's decision stands: show it on the item page, not as a form error.
        report_error(request, exc)
    except ModerationError as exc:
        report_error(request, exc, form)
        return _render_item(request, item, form, status=400)
    else:
        messages.success(request, "Decision recorded.")
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
@require_POST
def item_reopen_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.access_item_or_404(user, pk)
    _require(can_reopen_decision(user), "Only comms staff can reopen a decision.")
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            lambda: decisions.decision_reopen(
                actor=user, item_id=item.pk, reason=form.cleaned_data["reason"]
            ),
            success="Decision reopened; the item is back in the queue.",
        )
    else:
        messages.error(request, "Say why the decision is being reopened.")
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
def item_timeline_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.access_item_or_404(user, pk)
    timeline = selectors.item_timeline(user=user, item=item)
    context = {"item": item, "entries": timeline.entries, "decisions": timeline.decisions}
    return render(request, "moderation/item_timeline.html", context)


@moderator_required
def item_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    form = forms.ItemForm(
        request.POST or None,
        channels=selectors.channel_choices_for(user=user),
        initial={"channel": request.GET.get("channel")},
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in items.ITEM_FIELDS}
        data["author_handle"] = data["author_handle"].lstrip("@")
        done, result = call_service(
            request,
            lambda: items.item_create(
                actor=user,
                channel_id=form.cleaned_data["channel"].pk,
                data=items.ItemData(**data),
                category_ids=[c.pk for c in form.cleaned_data["categories"]],
            ),
            form=form,
        )
        if done and result is not None:
            item, created = result
            if created:
                messages.success(request, "Item added to the queue.")
            else:
                messages.info(request, "That post was already in the queue; here it is.")
            return redirect("moderation:item_detail", pk=item.pk)
    return render(request, "moderation/item_form.html", {"form": form})


@moderator_required
def import_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    form = forms.ImportForm(
        request.POST or None,
        request.FILES or None,
        channels=selectors.channel_choices_for(user=user),
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data["channel"]
        try:
            rows = parse_csv(form.cleaned_data["file"].read())
            result = items.items_import(
                actor=user, channel_id=channel.pk, rows=rows, source=Item.Source.CSV
            )
        except ImportRowsError as exc:
            errors = exc.errors
        except ModerationError as exc:
            errors = [exc.message]
        else:
            messages.success(request, f"Import finished: {result.summary}.")
            return redirect(reverse("moderation:queue") + f"?channel={channel.pk}")
    return render(request, "moderation/import.html", {"form": form, "errors": errors})


@moderator_required
def channel_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.channels_with_open_counts(user=current_user(request))
    return render(request, "moderation/channels.html", {"rows": rows})


@moderator_required
def channel_tokens_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    channel = selectors.access_channel_or_404(user, pk)
    form = forms.TokenForm(request.POST or None)
    plain = ""
    if request.method == "POST" and form.is_valid():
        done, created = call_service(
            request,
            lambda: tokens.token_create(
                actor=user, channel_id=channel.pk, name=form.cleaned_data["name"]
            ),
        )
        if done and created is not None:
            plain, form = created[1], forms.TokenForm()
    endpoint = request.build_absolute_uri(
        reverse("moderation:api_items", kwargs={"pk": channel.pk})
    )
    listed = selectors.channel_tokens(user=user, channel=channel)
    context = {"channel": channel, "form": form, "tokens": listed, "plain": plain}
    return render(request, "moderation/tokens.html", {**context, "endpoint": endpoint})


@moderator_required
@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, pk: int, token_id: int) -> HttpResponse:
    user = current_user(request)
    token = selectors.access_token_or_404(
        user, token_id, channel_id=selectors.access_channel_or_404(user, pk).pk
    )
    call_service(
        request,
        lambda: tokens.token_revoke(actor=user, token_id=token.pk),
        success="Token revoked.",
    )
    return redirect("moderation:channel_tokens", pk=pk)


@login_required
def statistics_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(can_see_statistics(current_user(request)), "Queue statistics are for comms staff.")
    return render(request, "moderation/statistics.html", {"stats": selectors.queue_statistics()})


@login_required
def category_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    _require(can_edit_categories(user), "Categories are managed by comms staff.")
    visible = selectors.categories_visible_to(user=user)
    return render(request, "moderation/categories.html", {"categories": visible})


@login_required
def category_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    _require(can_edit_categories(user), "Categories are managed by comms staff.")
    category = selectors.access_category_or_404(user, pk) if pk else Category(severity=3)
    form = forms.CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in categories.CATEGORY_FIELDS}
        done, saved = call_service(
            request,
            lambda: categories.category_save(actor=user, category_id=category.pk, values=values),
            form=form,
        )
        if done and saved is not None:
            messages.success(request, f"Category “{saved.name}” saved.")
            return redirect("moderation:categories")
    return render(request, "moderation/category_form.html", {"form": form, "category": category})


def _removal_manager(request: AuthenticatedHttpRequest) -> User:
    user = current_user(request)
    _require(can_manage_removal_requests(user), "Removal requests are for comms staff.")
    return user


@login_required
def removal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    requests = selectors.removal_requests_visible_to(user=_removal_manager(request))
    context = {"requests": requests.order_by("state", "deadline")[:200]}
    return render(request, "moderation/removal_list.html", context)


@login_required
def removal_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = _removal_manager(request)
    form = forms.RemovalRequestForm(request.POST or None, initial={"item": request.GET.get("item")})
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = {f: form.cleaned_data[f] for f in removals.REMOVAL_REQUEST_FIELDS}
        item_id = form.cleaned_data["item"]
        done, removal = call_service(
            request,
            lambda: removals.removal_request_create(actor=user, item_id=item_id, **data),
            form=form,
        )
        if done and removal is not None:
            messages.success(request, f"Removal request emailed to {removal.owner_name}.")
            return redirect("moderation:removal_detail", pk=removal.pk)
    return render(request, "moderation/removal_form.html", {"form": form})


@login_required
def removal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = _removal_manager(request)
    removal = selectors.access_removal_request_or_404(user, pk)
    audit_personal_data_view(actor=user, subject=removal, fields=["owner_name", "owner_email"])
    context = {
        "removal": removal,
        "withdraw_form": forms.ReasonForm(),
        "history": selectors.audit_history(removal),
    }
    return render(request, "moderation/removal_detail.html", context)


@login_required
@require_POST
def removal_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = _removal_manager(request)
    removal = selectors.access_removal_request_or_404(user, pk)
    call_service(
        request,
        lambda: removals.removal_request_withdraw(
            actor=user, request_id=removal.pk, reason=request.POST.get("reason", "")
        ),
        success="Removal request withdrawn.",
    )
    return redirect("moderation:removal_detail", pk=removal.pk)

"""Moderators' pages: the queue, items, their decisions, claims and timelines, entering items."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from moderation import forms, selectors
from moderation.errors import DecisionConflictError, ModerationError
from moderation.models import Item
from moderation.permissions import (
    can_release_claim,
    can_reopen_decision,
    can_report_incident,
)
from moderation.services import decisions, items, targets
from moderation.targets import describe_time_left
from portal.audit import audit_personal_data_view
from portal.viewkit import AuthenticatedHttpRequest, call_service, current_user, report_error

from .common import COUNT_CAP, PAGE_SIZE, CappedPaginator, _require, moderator_required


@dataclass(frozen=True)
class QueueRow:
    item: Item
    time_left: str  # "2 h 5 min left", "overdue by 3 h": open items with a due time only
    overdue: bool


def _queue_filters(form: forms.QueueFilterForm) -> selectors.QueueFilters:
    if not form.is_valid():
        return selectors.QueueFilters()
    data = form.cleaned_data
    return selectors.QueueFilters(
        channel=data["channel"],
        channel_text="" if data["channel"] else data["channel_q"].strip(),
        category=data["category"],
        state=data["state"] or "open",
        past_target=data["past_target"],
        sort=data["sort"] or "priority",
    )


@moderator_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = current_user(request)
    form = forms.QueueFilterForm(
        request.GET or None, channels=selectors.channels_moderated_by(user=user)
    )
    filters = _queue_filters(form)
    now = timezone.now()
    paginator = CappedPaginator(selectors.queue_for(user=user, filters=filters, now=now), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        QueueRow(
            item=item,
            time_left=describe_time_left(item.due_at, now) if item.is_open and item.due_at else "",
            overdue=item.is_open and item.due_at is not None and item.due_at <= now,
        )
        for item in page
    ]
    unmatched = (
        bool(filters.channel_text)
        and not (
            selectors.channels_matching(
                selectors.channel_choices_for(user=user), filters.channel_text
            )
        ).exists()
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filters": filters,
        "channel_value": (
            selectors.channel_label(filters.channel) if filters.channel else filters.channel_text
        ),
        "unmatched": unmatched,
    }
    capped = page.paginator.count > COUNT_CAP
    return render(request, "moderation/queue.html", {**context, "capped": capped, "cap": COUNT_CAP})


@moderator_required
def channel_search_view(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Up to 20 open channels the user moderates whose handle or name matches ``q`` (JSON)."""
    text = request.GET.get("q", "")[:150]
    return JsonResponse(
        {"results": selectors.channel_search(user=current_user(request), text=text)}
    )


@moderator_required
@require_POST
def item_categorise_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = selectors.access_item_or_404(user, pk)
    form = forms.CategoriseForm(request.POST)
    if form.is_valid():
        category = form.cleaned_data["category"]
        call_service(
            request,
            lambda: targets.item_categorise(actor=user, item_id=item.pk, category_id=category.pk),
            success=f"Item put under “{category.name}”; its target is {category.target.label}.",
        )
    else:
        messages.error(request, "Choose one of the active categories.")
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_item_or_404(current_user(request), pk)
    # The top suggestion (the most severe suggested category) is pre-selected.
    top = selectors.top_suggested_category_id(item=item)
    return _render_item(request, item, forms.DecisionForm(initial={"category": top}))


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
        "categorise_form": forms.CategoriseForm(initial={"category": item.target_category_id}),
        "time_left": describe_time_left(item.due_at, timezone.now()) if item.due_at else "",
        "reopen_form": forms.ReasonForm(),
        "can_reopen": can_reopen_decision(user),
        "can_release": can_release_claim(user, item),
        "escalations": selectors.item_escalations(item=item),
        "next_item": selectors.next_open_item(user=user, item=item),
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

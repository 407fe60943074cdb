"""Moderation pages: the queue, items and their decisions, imports, channels and tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.audit import audit_personal_data_view
from portal.models import AuditEvent, User
from portal.permissions import get_visible_or_404
from portal.ratelimit import rate_limited

from .forms import (
    CategoryForm,
    DecisionForm,
    ImportForm,
    ItemForm,
    QueueFilterForm,
    ReasonForm,
    TokenForm,
)
from .imports import ImportRowsError, parse_csv, parse_payload
from .models import Category, ChannelToken, Item
from .permissions import (
    can_release_any_claim,
    can_reopen_decision,
    can_report_incident,
    can_see_statistics,
    can_use_moderation,
)
from .selectors import (
    QueueFilters,
    author_history,
    channels_moderated_by,
    incidents_visible_to,
    item_incidents,
    item_timeline_decisions,
    items_visible_to,
    queue_for,
    queue_statistics,
)
from .services import (
    DecisionConflictError,
    ItemData,
    ModerationError,
    category_save,
    decision_reopen,
    item_claim,
    item_create,
    item_decide,
    item_release,
    items_import,
    token_authenticate,
    token_create,
    token_revoke,
)

View = Callable[..., HttpResponse]


class AuthedRequest(HttpRequest):
    """A request behind a sign-in check: ``user`` is a real ``User``."""

    user: User


PAGE_SIZE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP + 1`` rows: a full COUNT(*) of a huge queue costs more than
    the page itself, and nobody pages beyond 200 pages of a priority-ordered queue."""

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: COUNT_CAP + 1].count())  # type: ignore[attr-defined]


def moderator_required(view: View) -> View:
    """Signed in and a moderator of at least one channel (comms: all); 403 otherwise."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_use_moderation(request.user):
            raise PermissionDenied("Moderation is for comms staff and official account admins.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@moderator_required
def queue(request: AuthedRequest) -> HttpResponse:
    channels = channels_moderated_by(user=request.user)
    form = QueueFilterForm(request.GET or None, channels=channels)
    filters = QueueFilters()
    if form.is_valid():
        filters = QueueFilters(
            channel=form.cleaned_data["channel"],
            category=form.cleaned_data["category"],
            state=form.cleaned_data["state"] or "open",
        )
    page = CappedPaginator(queue_for(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filters": filters,
            "capped": page.paginator.count > COUNT_CAP,
            "cap": COUNT_CAP,
        },
    )


@dataclass(frozen=True)
class Segment:
    text: str
    label: str = ""


def highlight(text: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Split ``text`` into plain and flagged segments (rendered escaped, marked with <mark>)."""
    segments: list[Segment] = []
    cursor = 0
    for start, end, label in sorted(spans):
        if start < cursor or end <= start:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], label))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def _item_for(request: AuthedRequest, pk: int) -> Item:
    return get_visible_or_404(
        items_visible_to(user=request.user).select_related("channel", "claimed_by", "created_by"),
        pk=pk,
    )


@moderator_required
def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _render_item(request, _item_for(request, pk), DecisionForm())


def _render_item(
    request: AuthedRequest, item: Item, decision_form: DecisionForm, status: int = 200
) -> HttpResponse:
    suggestions = list(item.suggestions.select_related("category"))
    spans = [
        (s.start, s.end, s.category.name)
        for s in suggestions
        if s.start is not None and s.end is not None
    ]
    active = item.decisions.filter(active=True).select_related("category", "decided_by").first()
    history = author_history(item=item)
    if item.reporter_email:
        audit_personal_data_view(actor=request.user, subject=item, fields=["reporter_email"])
    return render(
        request,
        "moderation/item_detail.html",
        {
            "item": item,
            "segments": highlight(item.text, spans),
            "suggestions": suggestions,
            "active_decision": active,
            "author_history": history,
            "comms": can_reopen_decision(request.user),
            "can_report_incident": can_report_incident(request.user),
            "decision_form": decision_form,
            "reopen_form": ReasonForm(),
            "can_reopen": can_reopen_decision(request.user),
            "can_release": item.claimed_by_id == request.user.pk
            or can_release_any_claim(request.user),
        },
        status=status,
    )


def _run(request: AuthedRequest, action: Callable[[], object], success: str) -> None:
    try:
        action()
    except ModerationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)


@moderator_required
@require_POST
def item_claim_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    _run(
        request,
        lambda: item_claim(actor=request.user, item_id=item.pk),
        "You have claimed this item.",
    )
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
@require_POST
def item_release_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    _run(
        request,
        lambda: item_release(actor=request.user, item_id=item.pk),
        "Item released to the queue.",
    )
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
@require_POST
def item_decide_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_item(request, item, form, status=400)
    try:
        item_decide(
            actor=request.user,
            item_id=item.pk,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            message_to_reporter=form.cleaned_data["message_to_reporter"],
        )
    except DecisionConflictError as exc:
        messages.error(request, str(exc))
    except ModerationError as exc:
        form.add_error(None, str(exc))
        return _render_item(request, item, form, status=400)
    else:
        messages.success(request, "Decision recorded.")
    return redirect("moderation:item_detail", pk=item.pk)
    _run(
        request,
        lambda: item_decide(
            actor=request.user,
            item_id=item.pk,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            message_to_reporter=form.cleaned_data["message_to_reporter"],
        ),
        "Decision recorded.",
    )
    return redirect("moderation:item_detail", pk=item.pk)


@moderator_required
@require_POST
def item_reopen_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    if not can_reopen_decision(request.user):
        raise PermissionDenied("Only comms staff can reopen a decision.")
    form = ReasonForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: decision_reopen(
                actor=request.user, item_id=item.pk, reason=form.cleaned_data["reason"]
            ),
            "Decision reopened; the item is back in the queue.",
        )
    else:
        messages.error(request, "Say why the decision is being reopened.")
    return redirect("moderation:item_detail", pk=item.pk)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    title: str
    detail: str = ""
    url: str = ""


ACTION_TITLES = {
    "moderation.item.created": "Entered",
    "moderation.item.claimed": "Claimed",
    "moderation.item.released": "Released",
    "moderation.item.decided": "Decided",
    "moderation.item.reopened": "Decision reopened",
    "portal.personal_data.viewed": "Reporter's email viewed",
}


@moderator_required
def item_timeline(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    entries: list[TimelineEntry] = []
    if item.source != Item.Source.MANUAL:
        entries.append(
            TimelineEntry(
                item.created_at,
                str(item.created_by or "Import"),
                f"Imported ({item.get_source_display()})",
            )
        )
    for event in AuditEvent.objects.for_object(item).select_related("actor"):
        detail = ""
        if event.action == "moderation.item.reopened":
            detail = str(event.new.get("reason", ""))
        entries.append(
            TimelineEntry(
                event.at,
                str(event.actor or event.actor_label or "system"),
                ACTION_TITLES.get(event.action, event.action),
                detail,
            )
        )
    decisions = list(item_timeline_decisions(item=item))
    for decision in decisions:
        entries.append(
            TimelineEntry(
                decision.decided_at,
                str(decision.decided_by),
                f"Decision: {decision.get_outcome_display()}",
                f"{decision.category or 'No category'} — {decision.reason}",
            )
        )
    incidents = list(item_incidents(item=item))
    openable = (
        set(
            incidents_visible_to(user=request.user)
            .filter(pk__in=[i.pk for i in incidents])
            .values_list("pk", flat=True)
        )
        if incidents
        else set()
    )
    for incident in incidents:
        # Who reported what is shown only to those who may open the incident.
        if incident.pk in openable:
            entries.append(
                TimelineEntry(
                    incident.reported_at,
                    str(incident.reported_by),
                    f"Incident #{incident.pk} reported",
                    incident.get_kind_display(),
                    reverse("moderation:incident_detail", kwargs={"pk": incident.pk}),
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    incident.reported_at,
                    "a member of staff",
                    f"Incident #{incident.pk} reported",
                    "Handled by the Communications team.",
                )
            )
    entries.sort(key=lambda e: e.at)
    return render(
        request,
        "moderation/item_timeline.html",
        {"item": item, "entries": entries, "decisions": decisions},
    )


@moderator_required
def item_new(request: AuthedRequest) -> HttpResponse:
    channels = channels_moderated_by(user=request.user)
    form = ItemForm(
        request.POST or None, channels=channels, initial={"channel": request.GET.get("channel")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item, created = item_create(
                actor=request.user,
                channel=data["channel"],
                data=ItemData(
                    text=data["text"],
                    author_handle=data["author_handle"].lstrip("@"),
                    link=data["link"],
                    external_id=data["external_id"],
                    posted_at=data["posted_at"],
                    kind=data["kind"],
                    reporter_email=data["reporter_email"],
                ),
                categories=list(data["categories"]),
            )
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            if created:
                messages.success(request, "Item added to the queue.")
            else:
                messages.info(request, "That post was already in the queue; here it is.")
            return redirect("moderation:item_detail", pk=item.pk)
    return render(request, "moderation/item_form.html", {"form": form})


@moderator_required
def import_csv(request: AuthedRequest) -> HttpResponse:
    channels = channels_moderated_by(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, channels=channels)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = parse_csv(form.cleaned_data["file"].read())
            result = items_import(
                actor=request.user,
                channel=form.cleaned_data["channel"],
                rows=rows,
                source=Item.Source.CSV,
            )
        except ImportRowsError as exc:
            errors = exc.errors
        except ModerationError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, f"Import finished: {result.summary}.")
            return redirect(
                reverse("moderation:queue") + f"?channel={form.cleaned_data['channel'].pk}"
            )
    return render(request, "moderation/import.html", {"form": form, "errors": errors})


@moderator_required
def channel_list(request: AuthedRequest) -> HttpResponse:
    from django.db.models import Count

    channels = channels_moderated_by(user=request.user)
    counts = dict(
        Item.objects.filter(state__in=Item.OPEN_STATES, channel__in=channels.values("pk"))
        .values_list("channel_id")
        .annotate(n=Count("pk"))
        .values_list("channel_id", "n")
    )
    rows = [(c, counts.get(c.pk, 0)) for c in channels]
    return render(request, "moderation/channels.html", {"rows": rows})


@moderator_required
def channel_tokens(request: AuthedRequest, pk: int) -> HttpResponse:
    channel = get_visible_or_404(channels_moderated_by(user=request.user), pk=pk)
    form = TokenForm(request.POST or None)
    plain = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, plain = token_create(
                actor=request.user, channel=channel, name=form.cleaned_data["name"]
            )
        except ModerationError as exc:
            messages.error(request, str(exc))
        else:
            form = TokenForm()
    tokens = ChannelToken.objects.filter(channel=channel).select_related("created_by", "revoked_by")
    endpoint = request.build_absolute_uri(
        reverse("moderation:api_items", kwargs={"pk": channel.pk})
    )
    return render(
        request,
        "moderation/tokens.html",
        {"channel": channel, "form": form, "tokens": tokens, "plain": plain, "endpoint": endpoint},
    )


@moderator_required
@require_POST
def token_revoke_view(request: AuthedRequest, pk: int, token_id: int) -> HttpResponse:
    channel = get_visible_or_404(channels_moderated_by(user=request.user), pk=pk)
    token = get_visible_or_404(ChannelToken.objects.filter(channel=channel), pk=token_id)
    _run(request, lambda: token_revoke(actor=request.user, token_id=token.pk), "Token revoked.")
    return redirect("moderation:channel_tokens", pk=channel.pk)


def _api_error(status: int, message: str, details: list[str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="moderation"'
    return response


@csrf_exempt  # machine-to-machine: authenticated by the bearer token, never by a cookie
@require_POST
@rate_limited("moderation_api", as_json=True)
def api_items(request: HttpRequest, pk: int) -> JsonResponse:
    """``POST /moderation/api/channels/<id>/items`` with ``Authorization: Bearer <token>``."""
    header = request.headers.get("Authorization", "")
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        return _api_error(401, "Send the channel's token as 'Authorization: Bearer <token>'.")
    token = token_authenticate(channel_id=pk, plain=plain.strip())
    if token is None:
        return _api_error(401, "The token is wrong, revoked, or not for this channel.")
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _api_error(400, f"The request body is not valid JSON: {exc}.")
    try:
        rows = parse_payload(payload)
    except ImportRowsError as exc:
        return _api_error(400, "Some items are invalid; nothing was saved.", exc.errors)
    result = items_import(
        actor=None, channel=token.channel, rows=rows, source=Item.Source.API, token=token
    )
    return JsonResponse(
        {
            "created": len(result.created),
            "already_present": result.already_present,
            "ids": result.created,
        },
        status=201 if result.created else 200,
    )


@login_required
def statistics_view(request: AuthedRequest) -> HttpResponse:
    if not can_see_statistics(request.user):
        raise PermissionDenied("Queue statistics are for comms staff.")
    return render(request, "moderation/statistics.html", {"stats": queue_statistics()})


def _comms_only(request: AuthedRequest) -> None:
    if not can_see_statistics(request.user):
        raise PermissionDenied("Categories are managed by comms staff.")


@login_required
def category_list(request: AuthedRequest) -> HttpResponse:
    _comms_only(request)
    return render(request, "moderation/categories.html", {"categories": Category.objects.all()})


@login_required
def category_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    _comms_only(request)
    category = get_visible_or_404(Category.objects.all(), pk=pk) if pk else Category(severity=3)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            category_save(actor=request.user, category=form.save(commit=False))
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Category “{category.name}” saved.")
            return redirect("moderation:categories")
    return render(request, "moderation/category_form.html", {"form": form, "category": category})

"""Every read of moderation, scoped to the user: a channel, item or incident the user may not
see is a 404, the same answer as for one that does not exist.

Channels are the registry's official accounts (``accounts_registry.api``): comms moderate every
channel (the open ones in filters and pickers), an account's current admins moderate theirs.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from accounts_registry.api import (
    OfficialAccount,
    accounts_administered_by,
    is_comms,
    official_accounts,
    open_accounts,
)
from portal.models import AuditEvent, AuditEventQuerySet, User
from portal.permissions import AnyUser, get_visible_or_404
from portal.roles import Role
from portal.wording import action_phrase, actor_name

from .models import Category, ChannelToken, Decision, Incident, Item, RemovalRequest, Suggestion
from .permissions import can_edit_categories, can_manage_incidents, can_manage_removal_requests

# Suggested categories that point to people being targeted rather than a plain policy breach.
HARASSMENT_CATEGORY_CODES = frozenset({"threat", "grievance"})


def channels_moderated_by(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """Every channel ``user`` moderates: comms all of them, an admin the accounts they hold."""
    return official_accounts() if is_comms(user) else accounts_administered_by(user=user)


def channel_choices_for(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """The channels offered in filters and pickers: closed accounts are left out for comms."""
    return open_accounts() if is_comms(user) else accounts_administered_by(user=user)


def access_channel_or_404(user: AnyUser, channel_id: int) -> OfficialAccount:
    return get_visible_or_404(channels_moderated_by(user=user), pk=channel_id)


def items_visible_to(*, user: AnyUser) -> QuerySet[Item]:
    items = Item.objects.all()
    if is_comms(user):
        return items
    return items.filter(channel__in=accounts_administered_by(user=user).values("pk"))


def access_item_or_404(user: AnyUser, item_id: int) -> Item:
    items = items_visible_to(user=user).select_related("channel", "claimed_by", "created_by")
    return get_visible_or_404(items, pk=item_id)


def tokens_visible_to(*, user: AnyUser) -> QuerySet[ChannelToken]:
    channels = channels_moderated_by(user=user).values("pk")
    return ChannelToken.objects.filter(channel__in=channels).select_related(
        "created_by", "revoked_by"
    )


def access_token_or_404(user: AnyUser, token_id: int, *, channel_id: int) -> ChannelToken:
    """A token of the channel ``channel_id``, if ``user`` moderates that channel."""
    return get_visible_or_404(
        tokens_visible_to(user=user).filter(channel_id=channel_id), pk=token_id
    )


def channel_tokens(*, user: AnyUser, channel: OfficialAccount) -> QuerySet[ChannelToken]:
    return tokens_visible_to(user=user).filter(channel=channel)


def channels_with_open_counts(*, user: AnyUser) -> list[tuple[OfficialAccount, int]]:
    """The channels ``user`` moderates, each with its number of open items (two queries)."""
    channels = channels_moderated_by(user=user)
    counts = dict(
        Item.objects.filter(state__in=Item.OPEN_STATES, channel__in=channels.values("pk"))
        .values_list("channel_id")
        .annotate(n=Count("pk"))
        .values_list("channel_id", "n")
    )
    return [(c, counts.get(c.pk, 0)) for c in channels]


def categories_visible_to(*, user: AnyUser) -> QuerySet[Category]:
    return Category.objects.all() if can_edit_categories(user) else Category.objects.none()


def access_category_or_404(user: AnyUser, category_id: int) -> Category:
    return get_visible_or_404(categories_visible_to(user=user), pk=category_id)


def categories_by_rule() -> dict[str, list[Category]]:
    """Active categories keyed by the screening rule codes that suggest them (one query)."""
    mapping: dict[str, list[Category]] = {}
    for category in Category.objects.filter(active=True):
        for code in category.rule_codes or ():
            mapping.setdefault(code, []).append(category)
    return mapping


def audit_history(obj: Model) -> AuditEventQuerySet:
    """The audit events of ``obj``, oldest first (callers have already authorised ``obj``)."""
    return AuditEvent.objects.for_object(obj).select_related("actor").order_by("at", "id")


@dataclass(frozen=True)
class QueueFilters:
    channel: OfficialAccount | None = None
    category: Category | None = None
    state: str = "open"  # "open", "all" or an Item.State value


def queue_for(*, user: AnyUser, filters: QueueFilters) -> QuerySet[Item]:
    """Items for the queue: priority first, then oldest first; a constant number of queries."""
    items = items_visible_to(user=user)
    if filters.state == "open":
        items = items.filter(state__in=Item.OPEN_STATES)
    elif filters.state != "all":
        items = items.filter(state=filters.state)
    if filters.channel is not None:
        items = items.filter(channel=filters.channel)
    if filters.category is not None:
        in_category = Q(
            Exists(Suggestion.objects.filter(item=OuterRef("pk"), category=filters.category))
        ) | Q(
            Exists(
                Decision.objects.filter(item=OuterRef("pk"), active=True, category=filters.category)
            )
        )
        items = items.filter(in_category)
    return (
        items.select_related("channel", "claimed_by")
        .prefetch_related(
            Prefetch("suggestions", queryset=Suggestion.objects.select_related("category"))
        )
        .order_by("-priority", "created_at", "id")
    )


def item_suggestions(*, item: Item) -> list[Suggestion]:
    return list(item.suggestions.select_related("category"))


def active_decision(*, item: Item) -> Decision | None:
    return item.decisions.filter(active=True).select_related("category", "decided_by").first()


def suggested_incident_kind(*, item: Item) -> str:
    """The kind to offer first for an incident about ``item`` (the reporter may change it):
    harassment of staff when screening or the decision points at threats or comments on staff,
    otherwise a breach of the policy."""
    codes = {s.category.code for s in item.suggestions.select_related("category")}
    active = item.decisions.filter(active=True, category__isnull=False).select_related("category")
    codes.update(d.category.code for d in active if d.category is not None)
    if codes & HARASSMENT_CATEGORY_CODES:
        return Incident.Kind.STAFF_HARASSMENT
    return Incident.Kind.POLICY_BREACH


def author_history(*, item: Item) -> list[tuple[str, int]]:
    """Earlier current decisions on the same author's items on this channel, by outcome."""
    if not item.author_handle:
        return []
    labels = dict(Decision.Outcome.choices)
    rows = (
        Decision.objects.filter(
            active=True, item__channel_id=item.channel_id, item__author_handle=item.author_handle
        )
        .exclude(item_id=item.pk)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by("outcome")
    )
    return [(labels.get(outcome, outcome), n) for outcome, n in rows]


def incidents_visible_to(*, user: AnyUser) -> QuerySet[Incident]:
    incidents = Incident.objects.select_related("reported_by", "handled_by", "channel", "item")
    if can_manage_incidents(user):
        return incidents
    if not user.is_authenticated:
        return incidents.none()
    return incidents.filter(reported_by=user)


def item_incidents(*, item: Item) -> QuerySet[Incident]:
    """Every incident linked to ``item`` (whoever may open them), oldest first."""
    return item.incidents.select_related("reported_by").order_by("reported_at", "id")


def access_incident_or_404(user: AnyUser, incident_id: int) -> Incident:
    return get_visible_or_404(incidents_visible_to(user=user), pk=incident_id)


def open_incident_count() -> int:
    return Incident.objects.exclude(state=Incident.State.CLOSED).count()


def removal_requests_visible_to(*, user: AnyUser) -> QuerySet[RemovalRequest]:
    requests = RemovalRequest.objects.select_related("requested_by", "item")
    return requests if can_manage_removal_requests(user) else requests.none()


def access_removal_request_or_404(user: AnyUser, request_id: int) -> RemovalRequest:
    return get_visible_or_404(removal_requests_visible_to(user=user), pk=request_id)


def escalated_removal_count() -> int:
    return RemovalRequest.objects.filter(state=RemovalRequest.State.ESCALATED).count()


def comms_staff_emails() -> list[str]:
    return list(
        User.objects.filter(groups__name=Role.COMMS_STAFF.value, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class QueueStatistics:
    open_by_priority: list[tuple[str, int]]
    median_hours_to_decision: float | None
    decisions_counted: int
    decisions_by_category: list[dict[str, object]]
    window_days: int


PRIORITY_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Critical (50+)", 50, 10_000),
    ("High (40-49)", 40, 49),
    ("Medium (30-39)", 30, 39),
    ("Low (10-29)", 10, 29),
    ("Unflagged (0-9)", 0, 9),
)


class _Median(Aggregate):
    """PostgreSQL's ordered-set median."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _median_hours_to_decision(decisions: QuerySet[Decision]) -> tuple[float | None, int]:
    """Median hours from receipt to decision: in the database on PostgreSQL, else in Python."""
    if connection.vendor == "postgresql":
        seconds = Extract(F("decided_at") - F("item__created_at"), "epoch")
        row = decisions.aggregate(median=_Median(seconds), n=Count("pk"))
        median = row["median"]
        return (round(median / 3600, 1) if median is not None else None), row["n"]
    hours = [
        (decided - created).total_seconds() / 3600
        for decided, created in decisions.values_list("decided_at", "item__created_at")
    ]
    return (round(statistics.median(hours), 1) if hours else None), len(hours)


def queue_statistics(*, window_days: int = 90) -> QueueStatistics:
    """Open items by priority band, median time to decision, decisions by category."""
    bands = Item.objects.filter(state__in=Item.OPEN_STATES).aggregate(
        **{
            f"b{i}": Count("pk", filter=Q(priority__gte=low, priority__lte=high))
            for i, (_label, low, high) in enumerate(PRIORITY_BANDS)
        }
    )
    since = timezone.now() - timedelta(days=window_days)
    recent = Decision.objects.filter(decided_at__gte=since)
    median_hours, counted = _median_hours_to_decision(recent)
    by_category = list(
        recent.values("category__name", "outcome")
        .annotate(count=Count("pk"))
        .order_by("category__name", "outcome")
    )
    outcome_labels = dict(Decision.Outcome.choices)
    for row in by_category:
        row["outcome_label"] = outcome_labels.get(str(row["outcome"]), row["outcome"])
        row["category__name"] = row["category__name"] or "No category"
    return QueueStatistics(
        open_by_priority=[
            (label, bands[f"b{i}"]) for i, (label, _l, _h) in enumerate(PRIORITY_BANDS)
        ],
        median_hours_to_decision=median_hours,
        decisions_counted=counted,
        decisions_by_category=by_category,
        window_days=window_days,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    title: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class ItemTimeline:
    entries: list[TimelineEntry]
    decisions: list[Decision]


def _incident_entry(incident: Incident, openable: bool) -> TimelineEntry:
    title = f"Incident #{incident.pk} reported"
    if not openable:
        # Who reported what is shown only to those who may open the incident.
        return TimelineEntry(
            incident.reported_at, "a member of staff", title, "Handled by the Communications team."
        )
    url = reverse("moderation:incident_detail", kwargs={"pk": incident.pk})
    return TimelineEntry(
        incident.reported_at, str(incident.reported_by), title, incident.get_kind_display(), url
    )


def item_timeline(*, user: AnyUser, item: Item) -> ItemTimeline:
    """Everything that happened to ``item``, oldest first: its audit events, decisions and the
    incidents reported about it (their reporter and link only for those who may open them)."""
    entries: list[TimelineEntry] = []
    if item.source != Item.Source.MANUAL:
        imported = f"Imported ({item.get_source_display()})"
        entries.append(TimelineEntry(item.created_at, str(item.created_by or "Import"), imported))
    for event in AuditEvent.objects.for_object(item).select_related("actor"):
        detail = (
            str(event.new.get("reason", "")) if event.action == "moderation.item.reopened" else ""
        )
        actor = actor_name(event)
        title = capfirst(action_phrase(event.action, event.target_label))
        entries.append(TimelineEntry(event.at, actor, title, detail))
    decisions = list(
        item.decisions.select_related("category", "decided_by", "reopened_by").order_by(
            "decided_at", "id"
        )
    )
    for d in decisions:
        detail = f"{d.category or 'No category'} — {d.reason}"
        title = f"Decision: {d.get_outcome_display()}"
        entries.append(TimelineEntry(d.decided_at, str(d.decided_by), title, detail))
    incidents = list(item_incidents(item=item))
    openable: set[int] = set()
    if incidents:
        ids = [i.pk for i in incidents]
        visible = incidents_visible_to(user=user).filter(pk__in=ids)
        openable = set(visible.values_list("pk", flat=True))
    entries += [_incident_entry(i, i.pk in openable) for i in incidents]
    entries.sort(key=lambda e: e.at)
    return ItemTimeline(entries=entries, decisions=decisions)

"""Every read of moderation, scoped to the user: a channel, item or incident the user may not
see is a 404, the same answer as for one that does not exist.

Channels are the registry's official accounts (``accounts_registry.api``): comms moderate every
channel (the open ones in filters and pickers), an account's current admins moderate theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from accounts_registry.api import (
    OfficialAccount,
    accounts_administered_by,
    is_comms,
    official_accounts,
    open_accounts,
)
from moderation.models import (
    Category,
    ChannelToken,
    Decision,
    Incident,
    Item,
    RemovalRequest,
    Suggestion,
)
from moderation.permissions import (
    can_edit_categories,
    can_manage_incidents,
    can_manage_removal_requests,
)
from portal.models import AuditEvent, AuditEventQuerySet, User
from portal.permissions import AnyUser, get_visible_or_404
from portal.roles import Role

HARASSMENT_CATEGORY_CODES = frozenset({"threat", "grievance"})


def channels_moderated_by(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """Every channel ``user`` moderates: comms all of them, an admin the accounts they hold."""
    return official_accounts() if is_comms(user) else accounts_administered_by(user=user)


def channel_choices_for(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """The channels offered in filters and pickers: the open ones ``user`` moderates (closed
    accounts keep their items, which stay listed, but are no longer offered)."""
    if is_comms(user):
        return open_accounts()
    return accounts_administered_by(user=user).filter(status__in=OfficialAccount.OPEN_STATUSES)


CHANNEL_SEARCH_LIMIT = 20


def channel_label(channel: OfficialAccount) -> str:
    """What the channel search shows and matches exactly: ``X (Twitter) @uni_news``."""
    return str(channel)


def channels_matching(channels: QuerySet[OfficialAccount], text: str) -> QuerySet[OfficialAccount]:
    """``channels`` whose label is ``text`` (a picked suggestion), else whose handle or name
    contains it (a typed search, case-insensitive; a leading ``@`` is ignored)."""
    text = text.strip()
    platform_label, at, handle = text.rpartition("@")
    platforms = {label.lower(): value for value, label in OfficialAccount.Platform.choices}
    platform = platforms.get(platform_label.strip().lower())
    if at and platform is not None and handle:
        return channels.filter(platform=platform, handle__iexact=handle.strip())
    needle = text.lstrip("@")
    return channels.filter(Q(handle__icontains=needle) | Q(name__icontains=needle))


def channel_search(*, user: AnyUser, text: str) -> list[dict[str, str]]:
    """At most ``CHANNEL_SEARCH_LIMIT`` open channels ``user`` moderates matching ``text``,
    handles starting with it first (one query)."""
    text = text.strip()
    if not text:
        return []
    found = channels_matching(channel_choices_for(user=user), text)
    starts = Q(handle__istartswith=text.lstrip("@"))
    ranked = found.annotate(
        rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("rank", "handle", "platform")[:CHANNEL_SEARCH_LIMIT]
    return [{"label": channel_label(c), "name": c.name} for c in ranked]


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
    return AuditEvent.objects.for_object(obj).order_by("at", "id")


@dataclass(frozen=True)
class QueueFilters:
    channel: OfficialAccount | None = None
    category: Category | None = None
    state: str = "open"  # "open", "all" or an Item.State value
    channel_text: str = ""  # the channel search box (open channels only)
    past_target: bool = False  # open items past their response target
    sort: str = "priority"  # or "due": the soonest due first


def queue_for(
    *, user: AnyUser, filters: QueueFilters, now: datetime | None = None
) -> QuerySet[Item]:
    """Items for the queue: priority first, then oldest first (or soonest due first); a
    constant number of queries."""
    items = items_visible_to(user=user)
    if filters.state == "open":
        items = items.filter(state__in=Item.OPEN_STATES)
    elif filters.state != "all":
        items = items.filter(state=filters.state)
    if filters.channel is not None:
        items = items.filter(channel=filters.channel)
    elif filters.channel_text:
        matching = channels_matching(channel_choices_for(user=user), filters.channel_text)
        items = items.filter(channel__in=matching.values("pk"))
    if filters.past_target:
        items = items.filter(state__in=Item.OPEN_STATES, due_at__lte=now or timezone.now())
    if filters.category is not None:
        in_category = Q(
            Exists(Suggestion.objects.filter(item=OuterRef("pk"), category=filters.category))
        ) | Q(
            Exists(
                Decision.objects.filter(item=OuterRef("pk"), active=True, category=filters.category)
            )
        )
        items = items.filter(in_category)
    order = (
        (F("due_at").asc(nulls_last=True), "id")
        if filters.sort == "due"
        else ("-priority", "created_at", "id")
    )
    return (
        items.select_related("channel", "claimed_by", "target_category")
        .prefetch_related(
            Prefetch("suggestions", queryset=Suggestion.objects.select_related("category"))
        )
        .order_by(*order)
    )


def item_suggestions(*, item: Item) -> list[Suggestion]:
    return list(item.suggestions.select_related("category"))


def top_suggested_category_id(*, item: Item) -> int | None:
    """The most severe active category screening suggested for ``item`` (first in the text)."""
    suggestions = item.suggestions.filter(category__active=True)
    return (
        suggestions.order_by("-category__severity", "start", "id")
        .values_list("category_id", flat=True)
        .first()
    )


def next_open_item(*, user: AnyUser, item: Item) -> Item | None:
    """The open item after ``item`` in queue order (priority, then oldest), else the first."""
    open_items = (
        items_visible_to(user=user)
        .filter(state__in=Item.OPEN_STATES)
        .exclude(pk=item.pk)
        .order_by("-priority", "created_at", "id")
    )
    # Two seeks along the queue's index (one OR of the three cases would be a filter over
    # every item ahead of this one): later in the same priority, else the next priority down.
    same_priority = open_items.filter(
        Q(created_at__gt=item.created_at) | Q(created_at=item.created_at, id__gt=item.pk),
        priority=item.priority,
        created_at__gte=item.created_at,
    )
    return (
        same_priority.first()
        or open_items.filter(priority__lt=item.priority).first()
        or open_items.first()
    )


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


def open_incidents() -> QuerySet[Incident]:
    return Incident.objects.exclude(state=Incident.State.CLOSED)


def open_incident_count() -> int:
    return open_incidents().count()


def removal_requests_visible_to(*, user: AnyUser) -> QuerySet[RemovalRequest]:
    requests = RemovalRequest.objects.select_related("requested_by", "item")
    return requests if can_manage_removal_requests(user) else requests.none()


def access_removal_request_or_404(user: AnyUser, request_id: int) -> RemovalRequest:
    return get_visible_or_404(removal_requests_visible_to(user=user), pk=request_id)


def escalated_removal_count() -> int:
    return RemovalRequest.objects.filter(state=RemovalRequest.State.ESCALATED).count()


def overdue_removal_requests(*, now: datetime | None = None) -> QuerySet[RemovalRequest]:
    """Open requests past their deadline: exactly those the removals list marks overdue
    (``RemovalRequest.is_overdue``), escalated or not."""
    return RemovalRequest.objects.filter(
        state__in=RemovalRequest.OPEN_STATES, deadline__lt=now or timezone.now()
    ).order_by("deadline", "id")


def comms_staff_emails() -> list[str]:
    return list(
        User.objects.filter(groups__name=Role.COMMS_STAFF.value, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )

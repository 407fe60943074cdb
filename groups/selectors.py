"""Reads for the groups app, each scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from groups.models import (
    COMMITTEE_PERM,
    AlumniGroup,
    AnnualPlan,
    Communication,
    Delivery,
    GroupRequest,
    Membership,
    OutsidePresence,
)
from groups.permissions import is_engagement_staff
from portal.permissions import AnyUser, objects_with_role
from portal.workdays import default_calendar


def plan_year(now: datetime | None = None) -> int:
    """The year whose plan is current: the calendar year in Europe/London."""
    return timezone.localtime(now or timezone.now()).year


def consenting_member_count(group: AlumniGroup) -> int:
    """How many members would receive the group's email: a count, never who."""
    return Membership.objects.filter(
        group=group, left_at__isnull=True, email_consent=True, user__is_active=True
    ).count()


def delivery_counts(communication: Communication) -> dict[str, int]:
    """Counts by status: what committees may see about a communication (never who)."""
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in communication.deliveries.values("status").order_by().annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def groups_public() -> QuerySet[AlumniGroup]:
    """Groups shown in the public directory (closed groups are not)."""
    return AlumniGroup.objects.exclude(status=AlumniGroup.Status.CLOSED)


def groups_with_counts(queryset: QuerySet[AlumniGroup]) -> QuerySet[AlumniGroup]:
    active = Q(memberships__left_at__isnull=True)
    return queryset.annotate(
        member_count=Count("memberships", filter=active, distinct=True),
        consenting_count=Count(
            "memberships", filter=active & Q(memberships__email_consent=True), distinct=True
        ),
    )


def groups_on_committee(*, user: AnyUser) -> QuerySet[AlumniGroup]:
    """Groups on whose committee ``user`` sits (one query)."""
    return objects_with_role(user, COMMITTEE_PERM, AlumniGroup.objects.all())


def memberships_of(*, user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, left_at__isnull=True).select_related("group")


def requests_of_group(*, group: AlumniGroup) -> QuerySet[GroupRequest]:
    return GroupRequest.objects.filter(group=group).order_by("-submitted_at", "-pk")


def requests_visible_to(*, user: AnyUser) -> QuerySet[GroupRequest]:
    """Staff see every request; a committee member those of their groups; others none."""
    if is_engagement_staff(user):
        return GroupRequest.objects.all()
    return GroupRequest.objects.filter(group__in=groups_on_committee(user=user))


def presences_public(group: AlumniGroup) -> QuerySet[OutsidePresence]:
    """Presences the portal may promote: never messaging-app groups, never flagged ones."""
    return group.presences.exclude(kind=OutsidePresence.Kind.MESSAGING).filter(flagged=False)


def public_events(*, group: AlumniGroup | None = None) -> QuerySet[GroupRequest]:
    """Events from scheduled or sent event requests of public groups, soonest first."""
    qs = GroupRequest.objects.filter(
        status__in=(GroupRequest.Status.SCHEDULED, GroupRequest.Status.SENT),
        event_start__isnull=False,
        group__in=groups_public(),
    ).select_related("group")
    if group is not None:
        qs = qs.filter(group=group)
    return qs.order_by("event_start", "pk")


def plans_overview(*, year: int) -> list[tuple[AlumniGroup, AnnualPlan | None]]:
    """Every active group with its plan for ``year`` (or None): two queries."""
    plans = {p.group_id: p for p in AnnualPlan.objects.filter(year=year)}
    groups = AlumniGroup.objects.filter(status=AlumniGroup.Status.ACTIVE)
    return [(group, plans.get(group.pk)) for group in groups]


# --- The staff queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueMark:
    label: str  # "Overdue", "Due today", "Paused", ""
    css: str
    days: int | None


def due_mark(req: GroupRequest, now: datetime | None = None) -> DueMark:
    """The due-time mark shown beside a request (text, never colour alone)."""
    if req.status not in GroupRequest.ON_TEAM_CLOCK:
        if req.status == GroupRequest.Status.CHANGES_REQUESTED:
            return DueMark("Paused: waiting for the group", "text-bg-secondary", None)
        return DueMark("", "", None)
    if req.due_at is None:
        return DueMark("", "", None)
    now = now or timezone.now()
    days = default_calendar().working_days_until(now, req.due_at)
    if req.due_at <= now or days < 0:
        return DueMark("Overdue", "text-bg-danger", days)
    if days == 0:
        return DueMark("Due today", "text-bg-warning", days)
    return DueMark(f"Due in {days} working day{'s' if days != 1 else ''}", "text-bg-light", days)


QUEUE_FILTERS = ("all", "overdue", "today", "mine")


def request_queue(
    *,
    user: AnyUser,
    status: str = "",
    group_slug: str = "",
    kind: str = "",
    search: str = "",
    due: str = "",
    now: datetime | None = None,
) -> QuerySet[GroupRequest]:
    """The staff queue: open requests ordered by due time (paused ones last)."""
    if not is_engagement_staff(user):
        return GroupRequest.objects.none()
    qs = GroupRequest.objects.select_related("group", "assigned_to")
    if status in GroupRequest.Status.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=GroupRequest.OPEN_STATUSES)
    if group_slug:
        qs = qs.filter(group__slug=group_slug)
    if kind in GroupRequest.Kind.values:
        qs = qs.filter(kind=kind)
    if search:
        condition = Q(title__icontains=search) | Q(group__name__icontains=search)
        if search.isdigit():
            condition |= Q(pk=int(search))
        qs = qs.filter(condition)
    now = now or timezone.now()
    if due in ("overdue", "today"):
        qs = qs.filter(status__in=GroupRequest.ON_TEAM_CLOCK)
        if due == "overdue":
            qs = qs.filter(due_at__lte=now)
        else:
            local = timezone.localtime(now)
            end_of_day = local.replace(hour=23, minute=59, second=59, microsecond=0)
            qs = qs.filter(due_at__gt=now, due_at__lte=end_of_day)
    elif due == "mine" and user.is_authenticated:
        qs = qs.filter(assigned_to=user)
    return qs.order_by(F("due_at").asc(nulls_last=True), "pk")

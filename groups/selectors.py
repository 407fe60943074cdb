"""Every read of the groups app, scoped to what the user may see; views fetch through the
``access_<entity>_or_404`` functions at the end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from alumni.api import verified_user_ids
from groups.models import (
    COMMITTEE_PERM,
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    Communication,
    ConsentEvent,
    Delivery,
    GroupRequest,
    Membership,
    OutsidePresence,
    PageChange,
    RequestMessage,
)
from groups.permissions import can_view_group_members, is_engagement_staff
from portal.counting import count_many
from portal.models import AuditEvent, User
from portal.permissions import AnyUser, get_visible_or_404, objects_with_role
from portal.workdays import default_calendar


def plan_year(now: datetime | None = None) -> int:
    """The year whose plan is current: the calendar year in Europe/London."""
    return timezone.localtime(now or timezone.now()).year


def consenting_member_count(group: AlumniGroup) -> int:
    """How many members would receive the group's email: a count, never who."""
    live = Q(left_at__isnull=True, email_consent=True, user__is_active=True)
    return group.memberships.filter(live, user_id__in=verified_user_ids()).count()


def latest_communication(req: GroupRequest) -> Communication | None:
    """The request's current email (at most one is not cancelled, and it is the newest), or the
    last cancelled one."""
    return req.communications.first()


def delivery_counts(communication: Communication) -> dict[str, int]:
    """Counts by what the outbox did: what committees may see about an email (never who)."""
    return Delivery.objects.filter(communication=communication).counts_by_status()


def delivery_failures(communication: Communication) -> QuerySet[Delivery]:
    """The failed deliveries with their reasons and addresses: for engagement staff only."""
    return Delivery.objects.filter(communication=communication).failed()


def groups_public() -> QuerySet[AlumniGroup]:
    """Groups shown in the public directory (closed groups are not)."""
    return AlumniGroup.objects.exclude(status=AlumniGroup.Status.CLOSED)


def _members(**where: object) -> Coalesce:
    """Current members of the outer group (a subquery: counted for the rows shown only)."""
    rows = Membership.objects.filter(group=OuterRef("pk"), left_at__isnull=True, **where)
    # COUNT(*): the partial index of current members answers it without reading the rows.
    counted = rows.order_by().values("group").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def groups_with_counts(queryset: QuerySet[AlumniGroup]) -> QuerySet[AlumniGroup]:
    return queryset.annotate(member_count=_members(), consenting_count=_members(email_consent=True))


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
    """Presences the portal may promote: never messaging-app groups, flagged ones, or ones whose
    disclaimer the committee has not confirmed."""
    return group.presences.exclude(kind=OutsidePresence.Kind.MESSAGING).filter(
        flagged=False, disclaimer_confirmed_at__isnull=False
    )


def page_links_public(group: AlumniGroup) -> list[str]:
    """The links of the group's last accepted page change (the public page's links)."""
    accepted = group.page_changes.filter(status=PageChange.Status.ACCEPTED).first()
    return accepted.link_list if accepted else []


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


# --- What views fetch: one access function per entity -----------------------------------------
# Each answers "missing" and "forbidden" alike with Http404, so a stranger learns nothing.


def groups_visible_to(*, user: AnyUser) -> QuerySet[AlumniGroup]:
    """Staff see every group (closed ones too); everyone else the public ones."""
    if is_engagement_staff(user):
        return AlumniGroup.objects.all()
    return groups_public()


def access_group_or_404(user: AnyUser, slug: str, *, with_counts: bool = False) -> AlumniGroup:
    queryset = groups_visible_to(user=user)
    return get_visible_or_404(groups_with_counts(queryset) if with_counts else queryset, slug=slug)


def access_committee_or_404(user: AnyUser, slug: str, *, with_counts: bool = False) -> AlumniGroup:
    """The group whose committee ``user`` sits on (staff and other committees: 404)."""
    queryset = groups_on_committee(user=user)
    return get_visible_or_404(groups_with_counts(queryset) if with_counts else queryset, slug=slug)


def access_request_or_404(
    user: AnyUser, request_id: int, *, group: AlumniGroup | None = None
) -> GroupRequest:
    """A request with its thread and pauses; ``group`` narrows it to one group's requests."""
    queryset = requests_visible_to(user=user)
    if group is not None:
        queryset = queryset.filter(group=group)
    return get_visible_or_404(
        queryset.select_related("group", "assigned_to", "created_by").prefetch_related(
            Prefetch("messages", queryset=RequestMessage.objects.select_related("author")),
            "pauses",
        ),
        pk=request_id,
    )


def plans_visible_to(*, user: AnyUser) -> QuerySet[AnnualPlan]:
    if is_engagement_staff(user):
        return AnnualPlan.objects.all()
    return AnnualPlan.objects.filter(group__in=groups_on_committee(user=user))


def access_plan_or_404(user: AnyUser, plan_id: int) -> AnnualPlan:
    return get_visible_or_404(plans_visible_to(user=user).select_related("group"), pk=plan_id)


def plan_of_year(*, group: AlumniGroup, year: int) -> AnnualPlan | None:
    return AnnualPlan.objects.filter(group=group, year=year).first()


def plans_of_group(*, group: AlumniGroup) -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.filter(group=group)


def seats_visible_to(*, user: AnyUser) -> QuerySet[CommitteeMembership]:
    """Committee seats, for the staff who appoint them."""
    if is_engagement_staff(user):
        return CommitteeMembership.objects.all()
    return CommitteeMembership.objects.none()


def access_seat_or_404(user: AnyUser, seat_id: int) -> CommitteeMembership:
    return get_visible_or_404(seats_visible_to(user=user).select_related("group"), pk=seat_id)


def seats_of_group(*, user: AnyUser, group: AlumniGroup) -> QuerySet[CommitteeMembership]:
    return seats_visible_to(user=user).filter(group=group).select_related("user")


def presences_visible_to(*, user: AnyUser) -> QuerySet[OutsidePresence]:
    """Staff see every presence; a committee member those of their groups."""
    if is_engagement_staff(user):
        return OutsidePresence.objects.all()
    return OutsidePresence.objects.filter(group__in=groups_on_committee(user=user))


def access_presence_or_404(
    user: AnyUser, presence_id: int, *, group: AlumniGroup | None = None
) -> OutsidePresence:
    queryset = presences_visible_to(user=user)
    if group is not None:
        queryset = queryset.filter(group=group)
    return get_visible_or_404(queryset, pk=presence_id)


def presences_of_group(*, group: AlumniGroup) -> QuerySet[OutsidePresence]:
    return OutsidePresence.objects.filter(group=group)


def presences_for_review(*, user: AnyUser) -> QuerySet[OutsidePresence]:
    """The staff list: flagged first."""
    return (
        presences_visible_to(user=user)
        .select_related("group", "disclaimer_confirmed_by")
        .order_by("-flagged", "group__name", "name")
    )


def page_changes_visible_to(*, user: AnyUser) -> QuerySet[PageChange]:
    """Staff see every proposed page change; a committee member those of their groups."""
    if is_engagement_staff(user):
        return PageChange.objects.select_related("group", "proposed_by", "decided_by")
    groups = groups_on_committee(user=user)
    return PageChange.objects.filter(group__in=groups).select_related("proposed_by", "decided_by")


def access_membership_or_404(user: AnyUser, membership_id: int) -> Membership:
    """One of ``user``'s own current memberships."""
    return get_visible_or_404(memberships_of(user=user), pk=membership_id)


def membership_for_unsubscribe(*, membership_id: int | None) -> Membership | None:
    """The membership a signed unsubscribe link names (the signature is the authority)."""
    if membership_id is None:
        return None
    return Membership.objects.select_related("group").filter(pk=membership_id).first()


def members_of_group(*, user: AnyUser, group: AlumniGroup) -> QuerySet[Membership]:
    """Names and addresses of current members: engagement staff only."""
    if not can_view_group_members(user, group):
        return Membership.objects.none()
    return (
        Membership.objects.filter(group=group, left_at__isnull=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def group_choices() -> QuerySet[AlumniGroup, tuple[str, str]]:
    """(slug, name) of every group, for the queue's filter."""
    return AlumniGroup.objects.order_by("name").values_list("slug", "name")


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def history_of(obj: GroupRequest | AnnualPlan, *, limit: int) -> QuerySet[AuditEvent]:
    """The object's audit events, newest first, with their actors (shown as sentences)."""
    return AuditEvent.objects.for_object(obj).select_related("actor")[:limit]


def memberships_with_history(*, user: AnyUser) -> QuerySet[Membership]:
    """The user's current memberships, each with its consent history (two queries)."""
    return memberships_of(user=user).prefetch_related(
        Prefetch("consent_events", queryset=ConsentEvent.objects.order_by("-at", "-id"))
    )


def staff_request_counts(*, now: datetime | None = None) -> dict[str, int]:
    """The team's dashboard figures: open, overdue and due-today requests, plans to review."""
    now = now or timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59, microsecond=0)
    on_clock = GroupRequest.objects.filter(status__in=GroupRequest.ON_TEAM_CLOCK)
    return count_many(  # one query for the four
        open=GroupRequest.objects.filter(status__in=GroupRequest.OPEN_STATUSES),
        overdue=on_clock.filter(due_at__lte=now),
        today=on_clock.filter(due_at__gt=now, due_at__lte=end_of_day),
        plans_waiting=AnnualPlan.objects.filter(status=AnnualPlan.Status.SUBMITTED),
    )


class CommitteeRequestCounts(TypedDict):
    open: int
    changes: int


def committee_groups_with_counts(
    *, user: AnyUser
) -> QuerySet[WithAnnotations[AlumniGroup, CommitteeRequestCounts]]:
    """The user's committee groups, each with ``open`` and ``changes`` request counts."""
    return groups_on_committee(user=user).annotate(
        open=Count("requests", filter=Q(requests__status__in=GroupRequest.OPEN_STATUSES)),
        changes=Count("requests", filter=Q(requests__status=GroupRequest.Status.CHANGES_REQUESTED)),
    )

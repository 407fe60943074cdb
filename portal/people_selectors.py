"""Reads for People and roles: who holds what, since when, from whom, and the history of it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.forms import HOLDING_APPROVER, HOLDING_DELEGATE
from portal.models import (
    AuditEvent,
    DirectorDelegation,
    OrgUnitUserObjectPermission,
    RoleGrant,
    User,
)
from portal.permissions import AnyUser, can_manage_people
from portal.roles import STAFF_ROLES, Role

ROLE_ACTIONS = (
    "portal.role.granted",
    "portal.role.revoked",
    "portal.approver.appointed",
    "portal.approver.ended",
    "portal.delegation.created",
    "portal.delegation.ended",
)
_APPROVE_CODENAME = "approve_account_requests"


@dataclass(frozen=True)
class Holding:
    """One thing a person holds, as the page shows it."""

    kind: str  # "role", "approver" or "delegate"
    label: str
    since: datetime.datetime | datetime.date | None
    granted_by: str  # "" when not recorded
    role: Role | None = None
    unit_id: int | None = None
    delegation: DirectorDelegation | None = None
    upcoming: bool = False


def _current_delegations(today: datetime.date) -> QuerySet[DirectorDelegation]:
    return DirectorDelegation.objects.filter(ended_at__isnull=True, ends_on__gte=today)


def people_visible_to(*, user: AnyUser, query: str = "", holding: str = "") -> QuerySet[User]:
    """People with a staff role, approvership or delegation; a search looks at everyone.

    Everything the page shows is prefetched: a constant number of queries for any page size.
    """
    if not can_manage_people(user):
        return User.objects.none()
    today = timezone.localdate()
    memberships = User.groups.through.objects.filter(user=OuterRef("pk"))
    approverships = OrgUnitUserObjectPermission.objects.filter(
        user=OuterRef("pk"), permission__codename=_APPROVE_CODENAME
    )
    delegations = _current_delegations(today).filter(delegate=OuterRef("pk"))
    people = User.objects.all()
    if holding == HOLDING_APPROVER:
        people = people.filter(Exists(approverships))
    elif holding == HOLDING_DELEGATE:
        people = people.filter(Exists(delegations))
    elif holding in {role.value for role in Role}:
        people = people.filter(Exists(memberships.filter(group__name=holding)))
    elif not query:
        staff_names = [role.value for role in STAFF_ROLES]
        people = people.filter(
            Exists(memberships.filter(group__name__in=staff_names))
            | Exists(approverships)
            | Exists(delegations)
        )
    query = query.strip()
    if query:
        for word in query.split()[:5]:
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
    return with_holdings(people.order_by("last_name", "first_name", "email"), today=today)


def with_holdings(people: QuerySet[User], *, today: datetime.date) -> QuerySet[User]:
    role_names = [role.value for role in Role]
    return people.prefetch_related(
        Prefetch(
            "groups", queryset=Group.objects.filter(name__in=role_names), to_attr="role_groups"
        ),
        Prefetch(
            "role_grants",
            queryset=RoleGrant.objects.filter(ended_at__isnull=True).select_related("granted_by"),
            to_attr="open_grants",
        ),
        Prefetch(
            "orgunituserobjectpermission_set",
            queryset=OrgUnitUserObjectPermission.objects.filter(
                permission__codename=_APPROVE_CODENAME
            ).select_related("content_object"),
            to_attr="approverships",
        ),
        Prefetch(
            "delegations_held",
            queryset=_current_delegations(today)
            .select_related("director", "created_by")
            .order_by("starts_on"),
            to_attr="current_delegations",
        ),
    )


def access_person_or_404(*, user: AnyUser, person_id: int) -> User:
    """A person page: only for those who manage people; anyone else gets 404 like a stranger."""
    if not can_manage_people(user):
        raise Http404("No such person.")
    try:
        return with_holdings(User.objects.all(), today=timezone.localdate()).get(pk=person_id)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such person.") from exc


def holdings_of(person: User, *, today: datetime.date | None = None) -> list[Holding]:
    """What ``person`` holds, from the prefetches of ``with_holdings`` (no queries)."""
    today = today or timezone.localdate()
    grants = {(g.role, g.unit_id): g for g in getattr(person, "open_grants", [])}

    def provenance(key: tuple[str, int | None]) -> tuple[datetime.datetime | None, str]:
        grant = grants.get(key)
        if grant is None:
            return None, ""
        return grant.granted_at, grant.granted_by.display_name if grant.granted_by else "the system"

    found: list[Holding] = []
    held = {group.name for group in getattr(person, "role_groups", [])}
    for role in Role:
        if role.value in held:
            since, by = provenance((role.value, None))
            found.append(Holding("role", role.value, since, by, role=role))
    approverships = sorted(
        getattr(person, "approverships", []), key=lambda p: p.content_object.name
    )
    for perm in approverships:
        unit = perm.content_object
        since, by = provenance((RoleGrant.UNIT_APPROVER, unit.pk))
        found.append(Holding("approver", f"Approver for {unit.name}", since, by, unit_id=unit.pk))
    for delegation in getattr(person, "current_delegations", []):
        upcoming = delegation.starts_on > today
        found.append(
            Holding(
                "delegate",
                f"Acting marcomms director for {delegation.director.display_name}, "
                f"{delegation.starts_on:%-d %b %Y} to {delegation.ends_on:%-d %b %Y}",
                delegation.created_at,
                delegation.created_by.display_name if delegation.created_by else "the system",
                delegation=delegation,
                upcoming=upcoming,
            )
        )
    return found


def role_history_of(*, person: User, limit: int = 100) -> list[AuditEvent]:
    """The latest changes of ``person``'s roles, newest first, actors loaded."""
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(User),
            target_id=str(person.pk),
            action__in=ROLE_ACTIONS,
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def describe_role_event(event: AuditEvent) -> str:
    """A role change as a sentence: "Ann Admin granted the role Comms staff."."""
    who = event.actor.display_name if event.actor else "The system"
    new, old = event.new or {}, event.old or {}
    if event.action == "portal.role.granted":
        if new.get("via") == "sign-up":
            return f"Took the role {new.get('role')} when signing up."
        return f"{who} granted the role {new.get('role')}."
    if event.action == "portal.role.revoked":
        return f"{who} revoked the role {new.get('role')}."
    if event.action == "portal.approver.appointed":
        return f"{who} appointed them approver of account requests for {new.get('unit')}."
    if event.action == "portal.approver.ended":
        return f"{who} ended their approvership for {new.get('unit')}."
    period = f"{_day(new.get('starts_on'))} to {_day(new.get('ends_on'))}"
    if event.action == "portal.delegation.created":
        return f"{who} named them delegate of marcomms director {new.get('director')}, {period}."
    if event.action == "portal.delegation.ended":
        return f"{who} ended early their delegation for {old.get('director')} (planned {period})."
    return event.action


def _day(value: object) -> str:
    try:
        return f"{datetime.date.fromisoformat(str(value)):%-d %b %Y}"
    except ValueError:
        return str(value)


def users_acting_as(role: Role) -> QuerySet[User]:
    """Active holders of ``role``, counting today's director delegates (for notifications)."""
    today = timezone.localdate()
    holders = Q(groups__name=role.value)
    if role == Role.MARCOMMS_DIRECTOR:
        acting = DirectorDelegation.objects.filter(
            delegate=OuterRef("pk"), ended_at__isnull=True, starts_on__lte=today, ends_on__gte=today
        )
        holders |= Q(Exists(acting))
    return User.objects.filter(holders, is_active=True).distinct()


def people_summary() -> dict[str, int]:
    """Counts for the dashboard panel (two queries)."""
    staff_names = [role.value for role in STAFF_ROLES]
    holders = User.objects.filter(
        Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name__in=staff_names))
        | Exists(
            OrgUnitUserObjectPermission.objects.filter(
                user=OuterRef("pk"), permission__codename=_APPROVE_CODENAME
            )
        )
    ).count()
    return {
        "holders": holders,
        "delegations": _current_delegations(timezone.localdate()).count(),
    }

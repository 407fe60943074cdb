"""People and roles: site roles, unit approverships and director delegations, each audited.

Every service runs in one transaction, locks the person's row (so two administrators changing
the same person queue up), re-checks the actor's right, does nothing when nothing would change,
and writes an ``AuditEvent`` on the person with the old and new values. ``RoleGrant`` rows keep
"since when, granted by whom" beside the Django groups and guardian permissions they describe.

Who may do what (see also README, "People and roles"): portal administrators and superusers
manage other people's roles and approverships and name director delegates; only superusers
grant or revoke ``Role.PORTAL_ADMINISTRATOR``; nobody changes their own roles.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from portal.audit import audit_record
from portal.errors import DomainError
from portal.models import DirectorDelegation, OrgUnit, OrgUnitUserObjectPermission, RoleGrant, User
from portal.permissions import can_change_role, can_manage_people, forget_roles
from portal.roles import Role

APPROVE_PERM = "portal.approve_account_requests"
SIGNUP_ROLES: frozenset[Role] = frozenset({Role.ALUMNUS, Role.STUDENT})


class PeopleError(DomainError):
    """A refused change of someone's roles; the message is safe to show to the user."""


# --- helpers ---------------------------------------------------------------------------------


def _lock_person(user_id: int) -> User:
    try:
        return User.objects.select_for_update().get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        raise PeopleError("No such person.") from exc


def _require_manager(actor: User, person: User) -> None:
    if not can_manage_people(actor):
        raise PeopleError("Only portal administrators and superusers change people's roles.")
    if actor.pk == person.pk:
        raise PeopleError("You cannot change your own roles; ask another administrator.")


def _group_roles(person: User) -> list[str]:
    """The roles ``person`` holds through groups (a delegation is not a group)."""
    values = {role.value for role in Role}
    return sorted(n for n in person.groups.values_list("name", flat=True) if n in values)


def _approver_units(person: User) -> list[str]:
    return sorted(
        OrgUnitUserObjectPermission.objects.filter(
            user=person, permission__codename="approve_account_requests"
        ).values_list("content_object__name", flat=True)
    )


def _grant(person: User, role: Role, *, by: User | None, via: str = "") -> bool:
    before = _group_roles(person)
    if role.value in before:
        return False
    # get_or_create: transactional tests flush the groups the data migration made.
    group, _ = Group.objects.get_or_create(name=role.value)
    person.groups.add(group)
    RoleGrant.objects.create(user=person, role=role.value, granted_by=by)
    forget_roles(person)
    new = {"roles": sorted([*before, role.value]), "role": role.value}
    if via:
        new["via"] = via
    audit_record(
        actor=by, action="portal.role.granted", target=person, old={"roles": before}, new=new
    )
    return True


def _revoke(person: User, role: Role, *, by: User | None) -> bool:
    before = _group_roles(person)
    if role.value not in before:
        return False
    person.groups.remove(*Group.objects.filter(name=role.value))
    now = timezone.now()
    RoleGrant.objects.filter(
        user=person, role=role.value, unit__isnull=True, ended_at__isnull=True
    ).update(ended_at=now, ended_by=by)
    forget_roles(person)
    audit_record(
        actor=by,
        action="portal.role.revoked",
        target=person,
        old={"roles": before},
        new={"roles": [r for r in before if r != role.value], "role": role.value},
    )
    if role == Role.MARCOMMS_DIRECTOR:
        # A delegate acts for a director; when the director goes, so do their delegations.
        for delegation in DirectorDelegation.objects.select_for_update().filter(
            director=person, ended_at__isnull=True, ends_on__gte=timezone.localdate()
        ):
            _delegation_end(delegation, by=by)
    return True


# --- site roles ------------------------------------------------------------------------------


@transaction.atomic
def role_grant(*, actor: User, user_id: int, role: Role) -> bool:
    """``actor`` gives ``role`` to the person; False (and no audit) if they already hold it."""
    person = _lock_person(user_id)
    _require_manager(actor, person)
    if not can_change_role(actor, role):
        raise PeopleError(f"Only a superuser may grant the role {role.value}.")
    if not person.is_active:
        raise PeopleError("This account is deactivated; reactivate it before granting roles.")
    return _grant(person, role, by=actor)


@transaction.atomic
def role_revoke(*, actor: User, user_id: int, role: Role) -> bool:
    """``actor`` takes ``role`` away; False (and no audit) if the person does not hold it."""
    person = _lock_person(user_id)
    _require_manager(actor, person)
    if not can_change_role(actor, role):
        raise PeopleError(f"Only a superuser may revoke the role {role.value}.")
    return _revoke(person, role, by=actor)


@transaction.atomic
def role_grant_at_signup(*, user_id: int, role: Role) -> bool:
    """A new alumnus or student takes their own sign-up role (audited with them as actor)."""
    if role not in SIGNUP_ROLES:
        raise PeopleError("Only the alumni and student roles are chosen at sign-up.")
    person = _lock_person(user_id)
    return _grant(person, role, by=person, via="sign-up")


@transaction.atomic
def role_grant_by_system(*, user_id: int, role: Role) -> bool:
    """The system grants ``role`` (scripts, fixtures); audited with no actor."""
    return _grant(_lock_person(user_id), role, by=None, via="system")


@transaction.atomic
def role_revoke_by_system(*, user_id: int, role: Role) -> bool:
    return _revoke(_lock_person(user_id), role, by=None)


# --- unit approvers --------------------------------------------------------------------------


def _lock_unit(unit_id: int) -> OrgUnit:
    try:
        return OrgUnit.objects.select_for_update().get(pk=unit_id)
    except (OrgUnit.DoesNotExist, ValueError, TypeError) as exc:
        raise PeopleError("No such unit.") from exc


@transaction.atomic
def approver_appoint(*, actor: User, user_id: int, unit_id: int) -> bool:
    """Make the person an approver of account requests for ``unit``; False if already one."""
    person = _lock_person(user_id)
    _require_manager(actor, person)
    unit = _lock_unit(unit_id)
    before = _approver_units(person)
    if unit.name in before:
        return False
    if not person.is_active:
        raise PeopleError("This account is deactivated; reactivate it first.")
    if Role.STAFF.value not in _group_roles(person):
        raise PeopleError("Only university staff approve for a unit: grant University staff first.")
    assign_perm(APPROVE_PERM, person, unit)
    RoleGrant.objects.create(user=person, role=RoleGrant.UNIT_APPROVER, unit=unit, granted_by=actor)
    audit_record(
        actor=actor,
        action="portal.approver.appointed",
        target=person,
        old={"units": before},
        new={"units": sorted([*before, unit.name]), "unit": unit.name, "unit_id": unit.pk},
    )
    return True


@transaction.atomic
def approver_end(*, actor: User, user_id: int, unit_id: int) -> bool:
    """End the person's approvership for ``unit``; False if they are not its approver."""
    person = _lock_person(user_id)
    _require_manager(actor, person)
    unit = _lock_unit(unit_id)
    before = _approver_units(person)
    if unit.name not in before:
        return False
    remove_perm(APPROVE_PERM, person, unit)
    RoleGrant.objects.filter(user=person, unit=unit, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=actor
    )
    audit_record(
        actor=actor,
        action="portal.approver.ended",
        target=person,
        old={"units": before},
        new={"units": [u for u in before if u != unit.name], "unit": unit.name, "unit_id": unit.pk},
    )
    return True


# --- director delegations --------------------------------------------------------------------


def _delegation_values(delegation: DirectorDelegation) -> dict[str, object]:
    return {
        "director": delegation.director.email,
        "director_id": delegation.director_id,
        "delegate": delegation.delegate.email,
        "starts_on": delegation.starts_on,
        "ends_on": delegation.ends_on,
    }


@transaction.atomic
def delegation_create(
    *,
    actor: User,
    director_id: int,
    delegate_id: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> DirectorDelegation:
    """Name the person as ``director``'s delegate, acting as marcomms director on those days.

    Refused: an end before the start or in the past, a director who does not hold the role,
    a delegate who is the director, not university staff, or already a delegate on one of
    those days. Naming the same delegation twice returns the first one unchanged.
    """
    # Lock both people in primary-key order so two requests never deadlock.
    locked = {
        u.pk: u
        for u in User.objects.select_for_update()
        .filter(pk__in=[director_id, delegate_id])
        .order_by("pk")
    }
    delegate, director = locked.get(delegate_id), locked.get(director_id)
    if delegate is None or director is None:
        raise PeopleError("No such person.")
    _require_manager(actor, delegate)
    if director.pk == delegate.pk:
        raise PeopleError("A director cannot be their own delegate.")
    if ends_on < starts_on:
        raise PeopleError("The delegation must end on or after its first day.")
    if ends_on < timezone.localdate():
        raise PeopleError("The delegation would already be over; choose dates from today on.")
    if not (director.is_active and Role.MARCOMMS_DIRECTOR.value in _group_roles(director)):
        raise PeopleError(f"{director} is not the marcomms director.")
    open_delegations = DirectorDelegation.objects.filter(delegate=delegate, ended_at__isnull=True)
    same = open_delegations.filter(director=director, starts_on=starts_on, ends_on=ends_on).first()
    if same is not None:
        return same
    if not delegate.is_active or Role.STAFF.value not in _group_roles(delegate):
        raise PeopleError("Only active university staff can be a director's delegate.")
    clash = open_delegations.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash is not None:
        raise PeopleError(
            f"{delegate} is already a delegate from {clash.starts_on:%d %b %Y} to "
            f"{clash.ends_on:%d %b %Y}; end that delegation first."
        )
    delegation = DirectorDelegation.objects.create(
        director=director,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    forget_roles(delegate)
    audit_record(
        actor=actor,
        action="portal.delegation.created",
        target=delegate,
        old={},
        new=_delegation_values(delegation),
    )
    return delegation


def _delegation_end(delegation: DirectorDelegation, *, by: User | None) -> bool:
    if delegation.ended_at is not None or delegation.ends_on < timezone.localdate():
        return False  # already over, early or by its own dates
    delegation.ended_at = timezone.now()
    delegation.ended_by = by
    delegation.save(update_fields=["ended_at", "ended_by"])
    forget_roles(delegation.delegate)
    audit_record(
        actor=by,
        action="portal.delegation.ended",
        target=delegation.delegate,
        old={**_delegation_values(delegation), "ended_at": None},
        new={**_delegation_values(delegation), "ended_at": delegation.ended_at},
    )
    return True


@transaction.atomic
def delegation_end(*, actor: User, delegation_id: int) -> bool:
    """End a current or future delegation now; False if it is already over."""
    try:
        delegation = (
            DirectorDelegation.objects.select_for_update()
            .select_related("director", "delegate")
            .get(pk=delegation_id)
        )
    except (DirectorDelegation.DoesNotExist, ValueError, TypeError) as exc:
        raise PeopleError("No such delegation.") from exc
    _require_manager(actor, delegation.delegate)
    return _delegation_end(delegation, by=actor)

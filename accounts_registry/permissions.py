"""Who may do what in the registry: predicates only, no side effects."""

from __future__ import annotations

from collections.abc import Iterable

from portal.models import OrgUnit
from portal.permissions import AnyUser, has_object_role, has_role
from portal.roles import STAFF_ROLES, Role

from .api import is_account_admin, is_comms
from .models import AccountRequest, ApprovalDecision, OfficialAccount

__all__ = [
    "APPROVE_PERM",
    "STAFF_PAGE_ROLES",
    "can_administer_account",
    "can_manage_account_admins",
    "decidable_slots",
    "eligible_slots",
    "is_comms",
    "is_marcomms_director",
    "is_registry_staff",
    "is_unit_approver",
]

APPROVE_PERM = "portal.approve_account_requests"
# Every staff role may use the internal pages (request form, directory, queue).
STAFF_PAGE_ROLES: tuple[Role, ...] = tuple(sorted(STAFF_ROLES))


def is_registry_staff(user: AnyUser) -> bool:
    """Any staff role: the internal pages (request form, directory, queue)."""
    return has_role(user, *STAFF_PAGE_ROLES)


def is_marcomms_director(user: AnyUser) -> bool:
    """The director, or a named delegate, who is given the same role (documented choice)."""
    return has_role(user, Role.MARCOMMS_DIRECTOR)


def is_unit_approver(user: AnyUser, unit: OrgUnit) -> bool:
    """``user`` approves account requests for ``unit`` (a guardian object permission)."""
    return has_object_role(user, APPROVE_PERM, unit)


def can_administer_account(user: AnyUser, account: OfficialAccount) -> bool:
    """``user`` holds an open row of ``account``'s access log: the one source of truth."""
    return is_account_admin(user, account)


def can_manage_account_admins(user: AnyUser, account: OfficialAccount) -> bool:
    """Current admins and comms staff may record handovers and add administrators."""
    return account.is_open and (is_comms(user) or can_administer_account(user, account))


def eligible_slots(user: AnyUser, request: AccountRequest) -> list[str]:
    """The approval slots ``user`` could fill on ``request`` by office, ignoring its state."""
    slots = []
    if is_unit_approver(user, request.unit):
        slots.append(ApprovalDecision.Slot.UNIT.value)
    if is_marcomms_director(user):
        slots.append(ApprovalDecision.Slot.MARCOMMS.value)
    return slots


def decidable_slots(
    user: AnyUser,
    request: AccountRequest,
    *,
    admin_ids: Iterable[int],
    decisions: Iterable[ApprovalDecision],
) -> list[str]:
    """Slots ``user`` may decide now: pending, not requester/admin, not decided already."""
    if not user.is_authenticated or request.status != AccountRequest.Status.PENDING:
        return []
    if user.pk == request.requester_id or user.pk in set(admin_ids):
        return []
    decisions = list(decisions)
    if any(d.decided_by_id == user.pk for d in decisions):
        return []
    taken = {d.slot for d in decisions}
    return [slot for slot in eligible_slots(user, request) if slot not in taken]

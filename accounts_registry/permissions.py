"""Who may do what in the registry: predicates only, no side effects."""

from __future__ import annotations

from collections.abc import Iterable

from portal.models import OrgUnit
from portal.permissions import AnyUser, has_object_role, has_role
from portal.roles import STAFF_ROLES, Role

from .api import is_account_admin, is_comms
from .models import AccountRequest, ApprovalDecision, OfficialAccount, StandInApprover

__all__ = [
    "APPROVE_PERM",
    "STAFF_PAGE_ROLES",
    "can_administer_account",
    "can_manage_account_admins",
    "decidable_slots",
    "decision_barrier",
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
    """The approval slots ``user`` could fill on ``request`` by office, ignoring its state.

    The office of a slot is the unit's approvership or the director's role, or being named by
    comms as the stand-in for that slot on this request.
    """
    if not (user.is_authenticated and user.is_active):
        return []
    slots = set(
        StandInApprover.objects.filter(request=request, user_id=user.pk).values_list(
            "slot", flat=True
        )
    )
    if is_unit_approver(user, request.unit):
        slots.add(ApprovalDecision.Slot.UNIT.value)
    if is_marcomms_director(user):
        slots.add(ApprovalDecision.Slot.MARCOMMS.value)
    return [slot for slot in ApprovalDecision.Slot.values if slot in slots]


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


# Why someone who holds the office of a slot still may not decide it (001 §5.1, SPEC B3). The
# refusals of ``request_decide`` and the request page use the same sentences.
CONFLICT_REQUESTER = "You requested this account"
CONFLICT_ADMINISTRATOR = "You are named as one of its administrators"
CONFLICT_OTHER_SLOT = "You already approved the other slot"


def decision_barrier(
    user: AnyUser,
    request: AccountRequest,
    *,
    admin_ids: Iterable[int],
    decisions: Iterable[ApprovalDecision],
) -> str:
    """The conflict that keeps ``user``, who holds an office, from deciding ``request`` ("" if
    none): the requester, a named administrator, or the person who filled the other slot."""
    if not user.is_authenticated or request.status != AccountRequest.Status.PENDING:
        return ""
    if user.pk == request.requester_id:
        return CONFLICT_REQUESTER
    if user.pk in set(admin_ids):
        return CONFLICT_ADMINISTRATOR
    if any(d.decided_by_id == user.pk for d in decisions):
        return CONFLICT_OTHER_SLOT
    return ""

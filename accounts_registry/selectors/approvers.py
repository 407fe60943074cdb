"""Who may decide a request's open approval slots now, without a conflict (B3, 001 §5.1).

The office of a slot is held by the unit's active approvers (a direct or a group object
permission) or, for the director's slot, by the director and today's delegates; a stand-in named
by comms holds it for that request only. Nobody may decide who requested the account, who is
named as one of its administrators, or who already decided the other slot. The reads are done
for many requests at once, in a fixed number of queries, for the console and the sweeps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts_registry.models import (
    AccountRequest,
    ApprovalDecision,
    RequestedAdministrator,
    StandInApprover,
)
from portal.models import OrgUnitGroupObjectPermission, OrgUnitUserObjectPermission, User
from portal.people_selectors import users_acting_as
from portal.roles import Role

_APPROVE_CODENAME = "approve_account_requests"
SLOTS: tuple[str, ...] = tuple(ApprovalDecision.Slot.values)


@dataclass(frozen=True)
class SlotDeciders:
    """For each open slot of one request, the ids of the people who may decide it now."""

    open_slots: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def everyone(self) -> frozenset[int]:
        return frozenset().union(*self.open_slots.values())

    @property
    def unfilled(self) -> list[str]:
        """Open slots that nobody eligible can fill.

        A slot is unfilled when nobody may decide it, or when both slots are open and the same
        single person is the only one who may decide either: one person fills one slot only, so
        the head of unit's slot is the one reported (the director's office has delegates).
        """
        empty = [slot for slot, people in self.open_slots.items() if not people]
        if empty:
            return empty
        if len(self.open_slots) == len(SLOTS) and len(self.everyone) == 1:
            return [ApprovalDecision.Slot.UNIT.value]
        return []


def unit_approver_ids(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """Active approvers of each unit, directly or through a group (two queries)."""
    units = list(set(unit_ids))
    found: dict[int, set[int]] = defaultdict(set)
    direct = OrgUnitUserObjectPermission.objects.filter(
        permission__codename=_APPROVE_CODENAME, content_object_id__in=units, user__is_active=True
    ).values_list("content_object_id", "user_id")
    through_groups = OrgUnitGroupObjectPermission.objects.filter(
        permission__codename=_APPROVE_CODENAME,
        content_object_id__in=units,
        group__user__is_active=True,
    ).values_list("content_object_id", "group__user__id")
    for unit_id, user_id in [*direct, *through_groups]:
        found[unit_id].add(user_id)
    return found


def director_ids() -> set[int]:
    """The active director(s) and today's delegates (one query)."""
    return set(users_acting_as(Role.MARCOMMS_DIRECTOR).values_list("pk", flat=True))


def slot_deciders(
    request: AccountRequest,
    *,
    unit_approvers: set[int],
    directors: set[int],
    administrators: Sequence[RequestedAdministrator],
    decisions: Sequence[ApprovalDecision],
    stand_ins: Sequence[StandInApprover],
) -> SlotDeciders:
    """Who may decide each open slot of ``request``, from what was loaded (no query)."""
    taken = {decision.slot for decision in decisions}
    barred = (
        {request.requester_id}
        | {named.user_id for named in administrators}
        | {decision.decided_by_id for decision in decisions}
    )
    office: dict[str, set[int]] = {
        ApprovalDecision.Slot.UNIT.value: set(unit_approvers),
        ApprovalDecision.Slot.MARCOMMS.value: set(directors),
    }
    for stand_in in stand_ins:
        office[stand_in.slot].add(stand_in.user_id)
    return SlotDeciders(
        {slot: frozenset(office[slot] - barred) for slot in SLOTS if slot not in taken}
    )


def with_decision_facts(requests: QuerySet[AccountRequest]) -> QuerySet[AccountRequest]:
    """``requests`` with what ``deciders_of`` reads prefetched (three more queries)."""
    return requests.prefetch_related(
        Prefetch("administrators", queryset=RequestedAdministrator.objects.select_related("user")),
        Prefetch("decisions", queryset=ApprovalDecision.objects.select_related("decided_by")),
        Prefetch("stand_ins", queryset=StandInApprover.objects.select_related("user")),
    )


def deciders_of(requests: Sequence[AccountRequest]) -> dict[int, SlotDeciders]:
    """The deciders of each request (prefetched by ``with_decision_facts``), in three queries."""
    if not requests:
        return {}
    approvers = unit_approver_ids(request.unit_id for request in requests)
    directors = director_ids()
    return {
        request.pk: slot_deciders(
            request,
            unit_approvers=approvers.get(request.unit_id, set()),
            directors=directors,
            administrators=list(request.administrators.all()),
            decisions=list(request.decisions.all()),
            stand_ins=list(request.stand_ins.all()),
        )
        for request in requests
    }


def request_deciders(request_id: int) -> SlotDeciders:
    """The deciders of one request, read afresh."""
    request = with_decision_facts(AccountRequest.objects.filter(pk=request_id)).get()
    return deciders_of([request])[request.pk]


def emails_of(user_ids: Iterable[int]) -> list[str]:
    """The addresses of the active people among ``user_ids``, sorted (one query)."""
    ids = list(set(user_ids))
    if not ids:
        return []
    return sorted(User.objects.filter(pk__in=ids, is_active=True).values_list("email", flat=True))

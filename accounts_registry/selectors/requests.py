"""Reads of account requests and acknowledgements, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts_registry.models import (
    AccountRequest,
    ApprovalDecision,
    RequestedAdministrator,
    StandInApprover,
)
from accounts_registry.permissions import (
    APPROVE_PERM,
    is_comms,
    is_marcomms_director,
    is_registry_staff,
)
from portal.models import OrgUnit, User
from portal.permissions import AnyUser, get_visible_or_404, objects_with_role

RequestAction = Literal["view", "activate"]


def _approver_units(user: AnyUser) -> QuerySet[OrgUnit]:
    return objects_with_role(user, APPROVE_PERM, OrgUnit.objects.all())


def requests_visible_to(*, user: AnyUser) -> QuerySet[AccountRequest]:
    """Requesters, named admins, approvers of the unit, stand-ins, the director and comms see a
    request."""
    requests = AccountRequest.objects.select_related("requester", "unit", "account")
    if not isinstance(user, User) or not is_registry_staff(user):
        return requests.none()
    if is_marcomms_director(user) or is_comms(user):
        return requests
    named = RequestedAdministrator.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    standing_in = StandInApprover.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    return requests.filter(
        Q(requester_id=user.pk)
        | Q(Exists(named))
        | Q(Exists(standing_in))
        | Q(unit__in=_approver_units(user).values("pk"))
    )


def requests_of(*, user: AnyUser) -> QuerySet[AccountRequest]:
    """Requests ``user`` made or is named on as an administrator."""
    if not user.is_authenticated:
        return AccountRequest.objects.none()
    named = RequestedAdministrator.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    return (
        AccountRequest.objects.filter(Q(requester_id=user.pk) | Q(Exists(named)))
        .select_related("unit", "requester")
        .prefetch_related("decisions", "administrators__user")
    )


def requests_awaiting(*, user: AnyUser) -> QuerySet[AccountRequest]:
    """Pending requests, fully acknowledged, with a slot that only ``user`` can fill now."""
    if not isinstance(user, User) or not is_registry_staff(user):
        return AccountRequest.objects.none()
    unacknowledged = RequestedAdministrator.objects.filter(
        request=OuterRef("pk"), acknowledged_at__isnull=True
    )
    named = RequestedAdministrator.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    decided_by_user = ApprovalDecision.objects.filter(request=OuterRef("pk"), decided_by_id=user.pk)
    unit_taken = ApprovalDecision.objects.filter(
        request=OuterRef("pk"), slot=ApprovalDecision.Slot.UNIT
    )
    marcomms_taken = ApprovalDecision.objects.filter(
        request=OuterRef("pk"), slot=ApprovalDecision.Slot.MARCOMMS
    )
    stand_in = StandInApprover.objects.filter(request=OuterRef("pk"), user_id=user.pk)
    unit_office = Q(unit__in=_approver_units(user).values("pk")) | Q(
        Exists(stand_in.filter(slot=ApprovalDecision.Slot.UNIT))
    )
    slot_open = unit_office & ~Q(Exists(unit_taken))
    marcomms_open = ~Q(Exists(marcomms_taken))
    if is_marcomms_director(user):
        slot_open |= marcomms_open
    else:
        slot_open |= Q(Exists(stand_in.filter(slot=ApprovalDecision.Slot.MARCOMMS))) & marcomms_open
    return (
        AccountRequest.objects.filter(status=AccountRequest.Status.PENDING)
        .exclude(requester_id=user.pk)
        .exclude(Exists(named))
        .exclude(Exists(decided_by_user))
        .exclude(Exists(unacknowledged))
        .filter(slot_open)
        .select_related("unit", "requester")
        .order_by("created_at", "id")
    )


def access_request_or_404(
    user: AnyUser, request_id: int, *, action: RequestAction = "view"
) -> AccountRequest:
    """The request if ``user`` may see it (``"activate"``: and made it), else ``Http404``."""
    requests = requests_visible_to(user=user)
    if action == "activate":
        requests = requests.filter(requester_id=user.pk)
    return get_visible_or_404(requests, pk=request_id)


def acknowledgements_visible_to(*, user: AnyUser) -> QuerySet[RequestedAdministrator]:
    """The places where ``user`` is named as an administrator on a request."""
    if not user.is_authenticated:
        return RequestedAdministrator.objects.none()
    return RequestedAdministrator.objects.filter(user_id=user.pk).select_related(
        "request", "request__unit", "request__requester"
    )


def acknowledgements_pending_for(*, user: AnyUser) -> QuerySet[RequestedAdministrator]:
    """Pending requests on which ``user`` is named and has not yet acknowledged the policy."""
    return acknowledgements_visible_to(user=user).filter(
        request__status=AccountRequest.Status.PENDING, acknowledged_at__isnull=True
    )


def access_acknowledgement_or_404(user: AnyUser, request_id: int) -> RequestedAdministrator:
    """``user``'s own naming on the request, else ``Http404`` (others cannot acknowledge)."""
    return get_visible_or_404(acknowledgements_visible_to(user=user), request_id=request_id)


@dataclass(frozen=True)
class RequestDetail:
    """What the request page shows besides the request: its named admins, its decisions and the
    stand-ins comms named."""

    administrators: list[RequestedAdministrator]
    decisions: list[ApprovalDecision]
    stand_ins: list[StandInApprover]

    @property
    def admin_ids(self) -> list[int]:
        return [named.user_id for named in self.administrators]

    @property
    def all_acknowledged(self) -> bool:
        return all(named.acknowledged_at for named in self.administrators)


def request_detail_data(request: AccountRequest) -> RequestDetail:
    return RequestDetail(
        administrators=list(request.administrators.select_related("user")),
        decisions=list(request.decisions.select_related("decided_by")),
        stand_ins=list(request.stand_ins.select_related("user", "named_by")),
    )

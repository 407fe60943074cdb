"""What several registry services share: the people and units they are given by id, and the
locked, still pending request that every decision starts from."""

from __future__ import annotations

from collections.abc import Sequence

from accounts_registry.errors import RegistryError
from accounts_registry.models import AccountRequest
from portal.models import OrgUnit, User


def people_by_ids(user_ids: Sequence[int], *, field: str) -> list[User]:
    """The users of ``user_ids`` in the order given, repeats kept (the rules refuse repeats)."""
    found = User.objects.in_bulk(set(user_ids))
    if any(user_id not in found for user_id in user_ids):
        raise RegistryError("No such person.", field=field)
    return [found[user_id] for user_id in user_ids]


def unit_by_id(unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise RegistryError("No such unit.", field="unit")
    return unit


def request_lock(request_id: int) -> AccountRequest:
    """The request, its row locked for the rest of the transaction."""
    try:
        return AccountRequest.objects.select_for_update().select_related("unit").get(pk=request_id)
    except AccountRequest.DoesNotExist as exc:
        raise RegistryError("No such request.") from exc


def pending_refusal(request: AccountRequest) -> str:
    """Why ``request`` accepts nothing more ("" while it is pending)."""
    if request.status == AccountRequest.Status.WITHDRAWN:
        return "it has already been withdrawn by the requester"
    if request.status != AccountRequest.Status.PENDING:
        return "it has already been decided, and a decision is final"
    return ""


def require_pending(request: AccountRequest) -> None:
    """The "not pending" rule: a decided or withdrawn request accepts nothing more."""
    if request.status == AccountRequest.Status.WITHDRAWN:
        raise RegistryError("This request has already been withdrawn by the requester.")
    if request.status != AccountRequest.Status.PENDING:
        raise RegistryError("This request has already been decided; a decision is final.")

"""Reads of account governance: discovered accounts, monitoring tokens, advice, training."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.utils import timezone

from accounts_registry.models import (
    AdminAssignment,
    AdviceRequest,
    DiscoveredAccount,
    MonitoringToken,
    OfficialAccount,
    PolicyAcknowledgement,
    TrainingRecord,
    normalise_handle,
)
from accounts_registry.permissions import (
    is_comms,
    is_registry_staff,
)
from accounts_registry.selectors.accounts import current_admin_users
from accounts_registry.services.training import policies
from portal.models import User
from portal.permissions import AnyUser, get_visible_or_404

DiscoveredView = Literal["triage", "matched", "decided"]


def discovered_accounts(
    *, user: AnyUser, view: DiscoveredView | Literal["all"] = "triage"
) -> QuerySet[DiscoveredAccount]:
    """Comms only: the triage queue, the accounts matching the registry, the decided ones."""
    found = DiscoveredAccount.objects.select_related(
        "account", "request", "invited_unit", "removal_request", "decided_by"
    )
    if not is_comms(user):
        return found.none()
    if view == "triage":
        return found.filter(match=DiscoveredAccount.Match.NONE, decision="")
    if view == "matched":
        return found.exclude(match=DiscoveredAccount.Match.NONE)
    return found.exclude(decision="").order_by("-decided_at", "-id") if view == "decided" else found


def access_discovered_or_404(user: AnyUser, discovered_id: int) -> DiscoveredAccount:
    return get_visible_or_404(discovered_accounts(user=user, view="all"), pk=discovered_id)


def monitoring_tokens(*, user: AnyUser) -> QuerySet[MonitoringToken]:
    tokens = MonitoringToken.objects.select_related("created_by")
    return tokens if is_comms(user) else tokens.none()


def impersonation_lookup(*, platform: str, handle: str) -> DiscoveredAccount | None:
    """The public check's warning: a handle comms triaged as an impersonation, or None."""
    found = DiscoveredAccount.objects.filter(platform=platform, handle=normalise_handle(handle))
    return found.filter(decision=DiscoveredAccount.Decision.IMPERSONATION).first()


def advice_visible_to(*, user: AnyUser) -> QuerySet[AdviceRequest]:
    """The asker, the current administrators of the account it concerns, and comms."""
    advice = AdviceRequest.objects.select_related("asker", "account", "answered_by")
    if not isinstance(user, User) or not is_registry_staff(user):
        return advice.none()
    if is_comms(user):
        return advice
    admins = AdminAssignment.objects.filter(
        account=OuterRef("account_id"), user_id=user.pk, revoked_at__isnull=True
    )
    return advice.filter(Q(asker_id=user.pk) | Q(Exists(admins)))


def access_advice_or_404(user: AnyUser, advice_id: int) -> AdviceRequest:  # asker, admins, comms
    return get_visible_or_404(advice_visible_to(user=user), pk=advice_id)


def open_advice() -> QuerySet[AdviceRequest]:
    """The comms console: open requests, crises first, then by due time."""
    crisis_first = Case(When(urgency=AdviceRequest.Urgency.CRISIS, then=0), default=1)
    advice = AdviceRequest.objects.filter(state=AdviceRequest.State.OPEN)
    return advice.select_related("asker", "account").order_by(crisis_first, "due_at", "id")


@dataclass(frozen=True)
class TrainingStatus:
    """Records, the date training counts until, per policy (code, title, version, read?)."""

    records: list[TrainingRecord]
    current_until: date | None
    policies: list[tuple[str, str, str, bool]]


def training_status(*, user: User) -> TrainingStatus:
    records, today = list(TrainingRecord.objects.filter(user=user)), timezone.localdate()
    until = max((r.expires_on for r in records if r.expires_on >= today), default=None)
    read = set(PolicyAcknowledgement.objects.filter(user=user).values_list("policy", "version"))
    rows = [(code, title, v, (code, v) in read) for code, (title, v) in policies().items()]
    return TrainingStatus(records=records, current_until=until, policies=rows)


def admins_training(account: OfficialAccount) -> list[tuple[User, TrainingStatus]]:  # audit
    return [(user, training_status(user=user)) for user in current_admin_users(account)]

"""What other apps may use of the registry; nothing else of it is imported across apps.

Who administers an official account has one source of truth: the open rows of the access log
(``AdminAssignment`` with no ``revoked_at``), which the registry's services keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal import access_cache
from portal.dataprotection.registry import Blocker
from portal.models import User
from portal.permissions import AnyUser, has_role
from portal.roles import Role

from .models import (
    AccountRequest,
    AdminAssignment,
    ApprovalDecision,
    Handover,
    OfficialAccount,
    RequestedAdministrator,
    StandInApprover,
)

ERASED_TEXT = "[removed: the author's personal data were erased]"
# The name under which whether someone administers any account is kept in
# ``portal.access_cache`` (forgotten whenever one of their assignments changes: signals.py).
ADMINISTERS_ACCOUNT = "administers_account"

__all__ = [
    "ADMINISTERS_ACCOUNT",
    "OfficialAccount",
    "account_lookup",
    "accounts_administered_by",
    "accounts_public",
    "admin_emails_by_account",
    "current_admins",
    "erase_personal_data",
    "erasure_blockers",
    "is_account_admin",
    "is_comms",
    "official_accounts",
    "open_accounts",
    "personal_data",
]


def is_comms(user: AnyUser) -> bool:
    """Comms staff: they oversee every official account and its channel."""
    return has_role(user, Role.COMMS_STAFF)


def official_accounts() -> QuerySet[OfficialAccount]:
    """Every account the registry knows, with its unit."""
    return OfficialAccount.objects.select_related("unit").order_by("platform", "handle")


def open_accounts() -> QuerySet[OfficialAccount]:
    """Accounts still in use (active or flagged): closed ones stay out of pickers and filters."""
    return official_accounts().filter(
        status__in=[OfficialAccount.Status.ACTIVE, OfficialAccount.Status.FLAGGED]
    )


def accounts_public() -> QuerySet[OfficialAccount]:
    """The public directory: accounts in use (closed ones are history, not directory entries)."""
    return official_accounts().filter(status__in=OfficialAccount.PUBLIC_STATUSES)


def account_lookup(*, platform: str, handle: str) -> OfficialAccount | None:
    """The public "is this account official?" check (the lookup page's own selector)."""
    from .selectors import account_lookup as lookup  # selectors import this module

    return lookup(platform=platform, handle=handle)


def accounts_administered_by(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """The accounts ``user`` currently administers (an open access-log row), in one query."""
    if not (user.is_authenticated and user.is_active):
        return OfficialAccount.objects.none()
    current = AdminAssignment.objects.filter(
        account=OuterRef("pk"), user_id=user.pk, revoked_at__isnull=True
    )
    return official_accounts().filter(Exists(current))


def is_account_admin(user: AnyUser, account: OfficialAccount) -> bool:
    """True if ``user`` currently administers ``account``."""
    if not (user.is_authenticated and user.is_active):
        return False
    return AdminAssignment.objects.filter(
        account=account, user_id=user.pk, revoked_at__isnull=True
    ).exists()


def current_admins(*, account: OfficialAccount) -> list[User]:
    """The people who administer ``account`` now (its open access-log rows), in one query."""
    current = AdminAssignment.objects.filter(
        account=account, user=OuterRef("pk"), revoked_at__isnull=True
    )
    return list(User.objects.filter(Exists(current)).order_by("last_name", "first_name", "email"))


def admin_emails_by_account(account_ids: Iterable[int]) -> dict[int, list[str]]:
    """The current (active) administrators' addresses of each account given, in one query."""
    emails: dict[int, list[str]] = {}
    rows = (
        AdminAssignment.objects.filter(
            account_id__in=list(account_ids), revoked_at__isnull=True, user__is_active=True
        )
        .order_by("account_id", "user__email")
        .values_list("account_id", "user__email")
    )
    for account_id, email in rows:
        emails.setdefault(account_id, []).append(email)
    return emails


def personal_data(user: User) -> dict[str, Any]:
    """Requests they made, administrator roles (the access log), decisions, the requests they
    were named stand-in approver for, and handovers."""
    return {
        "account_requests": [
            {
                "proposed_name": r.proposed_name,
                "proposed_handle": r.proposed_handle,
                "unit": r.unit.name,
                "status": r.get_status_display(),
                "created_at": r.created_at,
            }
            for r in AccountRequest.objects.filter(requester=user).select_related("unit")
        ],
        "named_as_administrator": [
            {"request": r.request.proposed_name, "acknowledged_at": r.acknowledged_at}
            for r in RequestedAdministrator.objects.filter(user=user).select_related("request")
        ],
        "access_log": [
            {
                "account": str(a.account),
                "granted_at": a.granted_at,
                "revoked_at": a.revoked_at,
                "reason": a.reason,
            }
            for a in AdminAssignment.objects.filter(user=user).select_related("account")
        ],
        "decisions_made": [
            {
                "request": d.request.proposed_name,
                "slot": d.get_slot_display(),
                "decision": d.get_decision_display(),
                "reason": d.reason,
                "at": d.decided_at,
            }
            for d in ApprovalDecision.objects.filter(decided_by=user).select_related("request")
        ],
        "stand_in_approver": [
            {
                "request": named.request.proposed_name,
                "slot": named.get_slot_display(),
                "named_at": named.named_at,
                "reason": named.reason,
            }
            for named in StandInApprover.objects.filter(user=user).select_related("request")
        ],
        "handovers": [
            {"account": str(h.account), "note": h.note, "at": h.at}
            for h in Handover.objects.filter(Q(leaving=user) | Q(by=user)).select_related("account")
        ],
    }


def erasure_blockers(user: User) -> list[Blocker]:
    """An open account they keep compliant (one of two admins) stops any erasure: hand it over
    first (004 §4.20). Their pending account requests are obligations."""
    held = accounts_administered_by(user=user).annotate(
        admins=Count("assignments", filter=Q(assignments__revoked_at__isnull=True))
    )
    blockers = [
        Blocker(
            "accounts_registry",
            f"Administers {account} with only {account.admins} administrators: hand it over first.",
            hard=True,
        )
        for account in held
        if account.admins <= 2
    ]
    blockers += [
        Blocker(
            "accounts_registry",
            f"Administers {account}: the access log must record a handover first.",
        )
        for account in held
        if account.admins > 2
    ]
    blockers += [
        Blocker(
            "accounts_registry", f"Account request “{req.proposed_name}” is awaiting decisions."
        )
        for req in AccountRequest.objects.filter(
            requester=user, status=AccountRequest.Status.PENDING
        )
    ]
    return blockers


def erase_personal_data(user: User, pseudonym: str) -> list[str]:
    """Handover notes they wrote lose their text; the access log and decisions stay as records."""
    Handover.objects.filter(by=user).update(note=ERASED_TEXT)
    # Reached only when every account they still hold keeps two other administrators.
    access_cache.forget(user.pk)  # a bulk update sends no signals
    AdminAssignment.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason="Personal data erased"
    )
    return []

"""Reads of official accounts: directory, detail, lookup, and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.query import QuerySet as BaseQuerySet
from django.http import Http404
from django.utils import timezone

from accounts_registry.models import (
    AccountRequest,
    ActivityRecord,
    AdminAssignment,
    AnnualAudit,
    Handover,
    OfficialAccount,
    normalise_handle,
)
from accounts_registry.permissions import (
    can_manage_account_admins,
    is_registry_staff,
)
from portal.models import AuditEvent, Reminder, User
from portal.permissions import AnyUser, get_visible_or_404

AccountAction = Literal["view", "administer", "manage"]


def _current_assignments() -> Prefetch[str, QuerySet[AdminAssignment], str]:
    return Prefetch(
        "assignments",
        queryset=AdminAssignment.objects.filter(revoked_at__isnull=True).select_related("user"),
        to_attr="current_assignments",
    )


def accounts_visible_to(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """The internal registry: every account, for staff only."""
    if not is_registry_staff(user):
        return OfficialAccount.objects.none()
    return OfficialAccount.objects.select_related("unit")


def accounts_directory(
    *,
    user: AnyUser,
    unit: str = "",
    platform: str = "",
    status: str = "",
    compliance: str = "",
    query: str = "",
) -> QuerySet[OfficialAccount]:
    """The filtered directory with current admins prefetched: a constant number of queries."""
    accounts = accounts_visible_to(user=user).prefetch_related(_current_assignments())
    if unit:
        accounts = accounts.filter(unit__slug=unit)
    if platform:
        accounts = accounts.filter(platform=platform)
    if status == "open":
        accounts = accounts.filter(status__in=OfficialAccount.OPEN_STATUSES)
    elif status:
        accounts = accounts.filter(status=status)
    if compliance == "compliant":
        accounts = accounts.filter(
            status__in=OfficialAccount.OPEN_STATUSES, noncompliant_since__isnull=True
        )
    elif compliance == "noncompliant":
        accounts = accounts.filter(noncompliant_since__isnull=False)
    if query:
        accounts = accounts.filter(Q(name__icontains=query) | Q(handle__icontains=query))
    return accounts.order_by("platform", "handle")


def access_account_or_404(
    user: AnyUser, account_id: int, *, action: AccountAction = "view"
) -> OfficialAccount:
    """The account for ``action``, else ``Http404``: ``"view"`` for staff, ``"administer"`` for
    its current administrators (open accounts), ``"manage"`` for its admins and comms."""
    if action == "administer":
        return get_visible_or_404(open_accounts_administered_by(user=user), pk=account_id)
    account = get_visible_or_404(accounts_visible_to(user=user), pk=account_id)
    if action == "manage" and not can_manage_account_admins(user, account):
        raise Http404("No such object.")
    return account


def access_audit_or_404(user: AnyUser, account_id: int, year: int) -> AnnualAudit:
    """The account's audit of ``year`` for one of its current administrators, else ``Http404``."""
    account = access_account_or_404(user, account_id, action="administer")
    audit = get_visible_or_404(AnnualAudit.objects.filter(account=account), year=year)
    audit.account = account
    return audit


@dataclass(frozen=True)
class AccountDetail:
    """The account page: access log, handovers, activity, audits, history and its origin."""

    assignments: list[AdminAssignment]
    handovers: BaseQuerySet[Handover]
    activity: BaseQuerySet[ActivityRecord]
    audits: BaseQuerySet[AnnualAudit]
    history: BaseQuerySet[AuditEvent]
    origin: AccountRequest | None

    @property
    def current(self) -> list[AdminAssignment]:
        return [a for a in self.assignments if a.is_current]


def account_detail_data(account: OfficialAccount) -> AccountDetail:
    return AccountDetail(
        assignments=list(account.assignments.select_related("user", "granted_by", "revoked_by")),
        handovers=account.handovers.select_related("leaving", "replacement", "by"),
        activity=account.activity_records.select_related("recorded_by")[:10],
        audits=account.audits.select_related("completed_by"),
        history=AuditEvent.objects.for_object(account).select_related("actor")[:30],
        origin=AccountRequest.objects.filter(account=account).first(),
    )


def current_admin_users(account: OfficialAccount) -> QuerySet[User]:
    """The account's current administrators, by name (the handover form's choices)."""
    return User.objects.filter(
        pk__in=account.assignments.filter(revoked_at__isnull=True).values("user_id")
    ).order_by("last_name", "first_name")


def account_lookup(*, platform: str, handle: str) -> OfficialAccount | None:
    """The public check: an open account with this platform and handle, or None."""
    value = normalise_handle(handle)
    if not value:
        return None
    return (
        OfficialAccount.objects.filter(
            platform=platform, handle=value, status__in=OfficialAccount.PUBLIC_STATUSES
        )
        .select_related("unit")
        .first()
    )


def closed_account_lookup(*, platform: str, handle: str) -> OfficialAccount | None:
    """The latest closed account with this platform and handle ("was official until ..")."""
    value = normalise_handle(handle)
    if not value:
        return None
    return (
        OfficialAccount.objects.filter(platform=platform, handle=value, closed_at__isnull=False)
        .exclude(status__in=OfficialAccount.PUBLIC_STATUSES)
        .select_related("unit")
        .order_by("-closed_at", "-pk")
        .first()
    )


def open_accounts_administered_by(*, user: AnyUser) -> QuerySet[OfficialAccount]:
    """Open accounts ``user`` currently administers (the access log's open rows)."""
    if not user.is_authenticated:
        return OfficialAccount.objects.none()
    return OfficialAccount.objects.filter(
        assignments__user_id=user.pk,
        assignments__revoked_at__isnull=True,
        status__in=OfficialAccount.OPEN_STATUSES,
    ).select_related("unit")


def open_audits_for(*, user: AnyUser) -> QuerySet[AnnualAudit]:
    return AnnualAudit.objects.filter(
        account__in=open_accounts_administered_by(user=user).values("pk"), completed_at__isnull=True
    ).select_related("account")


def flagged_accounts() -> QuerySet[OfficialAccount]:
    return OfficialAccount.objects.filter(status=OfficialAccount.Status.FLAGGED).select_related(
        "unit"
    )


def noncompliant_accounts() -> QuerySet[OfficialAccount]:
    return (
        OfficialAccount.objects.filter(noncompliant_since__isnull=False)
        .select_related("unit")
        .prefetch_related(_current_assignments())
    )


def guidelines_missing() -> QuerySet[OfficialAccount]:
    """Open accounts whose posting guidelines no administrator has confirmed (001 §6.1.8)."""
    return OfficialAccount.objects.filter(
        status__in=OfficialAccount.OPEN_STATUSES, guidelines_confirmed_at__isnull=True
    ).select_related("unit")


def overdue_audits(today: date | None = None) -> QuerySet[AnnualAudit]:
    return AnnualAudit.objects.filter(
        completed_at__isnull=True, due_on__lt=today or timezone.localdate()
    ).select_related("account", "account__unit")


def recent_reminders(limit: int = 50) -> QuerySet[Reminder]:
    """The registry's reminders, newest first, for comms to see what went out (SPEC E)."""
    reminders = Reminder.objects.filter(kind__startswith="accounts_registry.")
    return reminders.order_by("-created_at")[:limit]

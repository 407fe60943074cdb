"""Sweeps of official accounts: inactivity reminders and flags, annual audits (open, remind, escalate)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, OuterRef, Q
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts_registry.models import (
    AdminAssignment,
    AnnualAudit,
    OfficialAccount,
)
from accounts_registry.services.accounts import accounts_flag_bulk
from accounts_registry.services.audits import audit_url
from accounts_registry.services.notifications import comms_recipients, notice
from portal.audit import audit_record_bulk
from portal.mail import emails_queue
from portal.reminders import not_reminded, reminders_claim_bulk


def inactivity_days() -> int:
    return int(getattr(settings, "ACCOUNT_INACTIVITY_DAYS", 90))


def grace_days() -> int:
    return int(getattr(settings, "ACCOUNT_INACTIVITY_GRACE_DAYS", 30))


def audit_due_days() -> int:
    return int(getattr(settings, "ACCOUNT_AUDIT_DUE_DAYS", 30))


def audit_reminder_days() -> int:
    return int(getattr(settings, "ACCOUNT_AUDIT_REMINDER_DAYS", 7))


@dataclass
class SweepResult:
    reminded: int = 0
    flagged: int = 0
    opened: int = 0
    escalated: int = 0


def _admin_emails(account_ids: Iterable[int]) -> dict[int, list[str]]:
    """Current administrators' addresses of each account, in one query."""
    emails: dict[int, list[str]] = defaultdict(list)
    rows = (
        AdminAssignment.objects.filter(account_id__in=list(account_ids), revoked_at__isnull=True)
        .order_by("user__email")
        .values_list("account_id", "user__email")
    )
    for account_id, email in rows:
        emails[account_id].append(email)
    return emails


def inactivity_sweep(*, now: datetime | None = None) -> SweepResult:
    """Remind the admins of accounts silent for the threshold; flag them after the grace."""
    now = now or timezone.now()
    return SweepResult(reminded=_inactivity_remind_due(now), flagged=_inactivity_flag_due(now))


@transaction.atomic
def _inactivity_remind_due(now: datetime) -> int:
    threshold = now - timedelta(days=inactivity_days())
    silent = list(
        OfficialAccount.objects.select_for_update(skip_locked=True)
        .annotate(activity_basis=Coalesce("last_activity_at", "created_at"))
        .filter(
            status=OfficialAccount.Status.ACTIVE,
            inactivity_reminded_at__isnull=True,
            activity_basis__lte=threshold,
        )
        .order_by("pk")
    )
    if not silent:
        return 0
    OfficialAccount.objects.filter(pk__in=[account.pk for account in silent]).update(
        inactivity_reminded_at=now
    )
    # The period is the last activity: one reminder per silence, however often the job runs.
    periods = {
        account.pk: timezone.localdate(account.activity_basis).isoformat() for account in silent
    }
    claimed = reminders_claim_bulk(
        kind="accounts_registry.inactivity", model=OfficialAccount, claims=periods.items()
    )
    reminded = [account for account in silent if (str(account.pk), periods[account.pk]) in claimed]
    admins = _admin_emails(account.pk for account in reminded)
    deadline = timezone.localdate(now) + timedelta(days=grace_days())
    emails_queue(
        mail
        for account in reminded
        for mail in notice(
            to=admins[account.pk],
            subject=f"No activity recorded on {account} for three months",
            template="inactivity_reminder",
            context={
                "account": account,
                "since": account.activity_basis,
                "deadline": deadline,
                "url": reverse("accounts_registry:account_detail", args=[account.pk]),
            },
            category="account.inactivity_reminder",
        )
    )
    audit_record_bulk(
        actor=None,
        action="accounts_registry.account.inactivity_reminded",
        entries=(
            (account, None, {"last_activity": account.activity_basis, "flag_after": deadline})
            for account in reminded
        ),
    )
    return len(reminded)


@transaction.atomic
def _inactivity_flag_due(now: datetime) -> int:
    overdue = list(
        OfficialAccount.objects.select_for_update(skip_locked=True)
        .filter(
            status=OfficialAccount.Status.ACTIVE,
            inactivity_reminded_at__lte=now - timedelta(days=grace_days()),
        )
        .order_by("pk")
    )
    reasons = []
    for account in overdue:
        assert account.inactivity_reminded_at is not None  # the filter above
        reminded = timezone.localdate(account.inactivity_reminded_at)
        reasons.append(
            f"No activity recorded after the reminder of {reminded:%d %B %Y} "
            f"and a grace period of {grace_days()} days."
        )
    return accounts_flag_bulk(overdue, reasons=reasons)


def _anniversary_reached(today: date) -> Q:
    """Created in an earlier year, and this year's anniversary of creation has come."""
    return Q(created_at__year__lt=today.year) & (
        Q(created_at__month__lt=today.month)
        | Q(created_at__month=today.month, created_at__day__lte=today.day)
    )


def annual_audits_sweep(*, today: date | None = None) -> SweepResult:
    """Open this year's audits on each account's anniversary; remind; escalate overdue ones."""
    today = today or timezone.localdate()
    return SweepResult(
        opened=_audits_open_due(today),
        reminded=_audits_remind_due(today),
        escalated=_audits_escalate_due(today),
    )


@transaction.atomic
def _audits_open_due(today: date) -> int:
    due = list(
        OfficialAccount.objects.select_for_update(skip_locked=True)
        .filter(status=OfficialAccount.Status.ACTIVE, centrally_managed=False)
        .filter(_anniversary_reached(today))
        .exclude(audits__year=today.year)
        .order_by("pk")
    )
    if not due:
        return 0
    due_on = today + timedelta(days=audit_due_days())
    # Unique (account, year) backs the claim: a run that raced past the lock rolls back whole.
    opened = AnnualAudit.objects.bulk_create(
        [AnnualAudit(account=account, year=today.year, due_on=due_on) for account in due],
        batch_size=1000,
    )
    audit_record_bulk(
        actor=None,
        action="accounts_registry.audit.opened",
        entries=(
            (audit.account, None, {"year": audit.year, "due_on": audit.due_on}) for audit in opened
        ),
    )
    claimed = reminders_claim_bulk(
        kind="accounts_registry.audit.opened",
        model=AnnualAudit,
        claims=((audit.pk, str(audit.year)) for audit in opened),
    )
    admins = _admin_emails(account.pk for account in due)
    emails_queue(
        mail
        for audit in opened
        if (str(audit.pk), str(audit.year)) in claimed
        for mail in notice(
            to=admins[audit.account_id],
            subject=f"Annual audit of {audit.account} is open",
            template="audit_opened",
            context={"account": audit.account, "audit": audit, "url": audit_url(audit)},
            category="audit.opened",
        )
    )
    return len(opened)


@transaction.atomic
def _audits_remind_due(today: date) -> int:
    # The reminder row is the claim: one reminder per audit, however often the job runs.
    kind = "accounts_registry.audit.reminder"
    window = list(
        not_reminded(
            AnnualAudit.objects.filter(
                completed_at__isnull=True,
                due_on__gte=today,
                due_on__lte=today + timedelta(days=audit_reminder_days()),
            ),
            kind=kind,
            period=Cast(OuterRef("year"), CharField()),
        )
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("account")
        .order_by("pk")
    )
    claimed = reminders_claim_bulk(
        kind=kind, model=AnnualAudit, claims=((audit.pk, str(audit.year)) for audit in window)
    )
    due = [audit for audit in window if (str(audit.pk), str(audit.year)) in claimed]
    admins = _admin_emails(audit.account_id for audit in due)
    emails_queue(
        mail
        for audit in due
        for mail in notice(
            to=admins[audit.account_id],
            subject=f"Reminder: the annual audit of {audit.account} is due on {audit.due_on:%d %B}",
            template="audit_reminder",
            context={"account": audit.account, "audit": audit, "url": audit_url(audit)},
            category="audit.reminder",
        )
    )
    return len(due)


@transaction.atomic
def _audits_escalate_due(today: date) -> int:
    overdue = list(
        AnnualAudit.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("account")
        .filter(completed_at__isnull=True, escalated_at__isnull=True, due_on__lt=today)
        .order_by("pk")
    )
    if not overdue:
        return 0
    now = timezone.now()
    AnnualAudit.objects.filter(pk__in=[audit.pk for audit in overdue]).update(escalated_at=now)
    for audit in overdue:
        audit.escalated_at = now
    audit_record_bulk(
        actor=None,
        action="accounts_registry.audit.escalated",
        entries=(
            (audit.account, None, {"year": audit.year, "due_on": audit.due_on}) for audit in overdue
        ),
    )
    claimed = reminders_claim_bulk(
        kind="accounts_registry.audit.overdue",
        model=AnnualAudit,
        claims=((audit.pk, str(audit.year)) for audit in overdue),
    )
    recipients = comms_recipients()
    emails_queue(
        mail
        for audit in overdue
        if (str(audit.pk), str(audit.year)) in claimed
        for mail in notice(
            to=recipients,
            subject=f"Overdue annual audit: {audit.account}",
            template="audit_overdue",
            context={"account": audit.account, "audit": audit, "url": audit_url(audit)},
            category="audit.overdue",
        )
    )
    return len(overdue)

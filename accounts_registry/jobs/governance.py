"""Sweeps of account governance: overdue advice requests, expiring administrator training."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts_registry.jobs.accounts import SweepResult
from accounts_registry.models import (
    AdminAssignment,
    AdviceRequest,
    OfficialAccount,
    TrainingRecord,
)
from accounts_registry.services.accounts import accounts_flag_bulk
from accounts_registry.services.advice import advice_url
from accounts_registry.services.notifications import comms_recipients, notice
from accounts_registry.services.training import governance_settings
from portal.audit import audit_record_bulk
from portal.mail import emails_queue
from portal.reminders import reminders_claim_bulk


@transaction.atomic
def advice_overdue_sweep(*, now: datetime | None = None) -> int:
    """Tell comms once about each open advice request past its due time.

    The requests are claimed by stamping ``overdue_notified_at`` in one update, so an idle run
    is one query; the reminder claims, the audit events and the emails are one insert each.
    """
    now = now or timezone.now()
    overdue = list(
        AdviceRequest.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("asker", "account")
        .filter(state=AdviceRequest.State.OPEN, overdue_notified_at__isnull=True, due_at__lt=now)
        .order_by("due_at", "pk")
    )
    if not overdue:
        return 0
    AdviceRequest.objects.filter(pk__in=[advice.pk for advice in overdue]).update(
        overdue_notified_at=now
    )
    periods = {advice.pk: advice.due_at.isoformat() for advice in overdue}
    claimed = reminders_claim_bulk(
        kind="accounts_registry.advice.overdue", model=AdviceRequest, claims=periods.items()
    )
    told = [advice for advice in overdue if (str(advice.pk), periods[advice.pk]) in claimed]
    audit_record_bulk(
        actor=None,
        action="accounts_registry.advice.overdue",
        entries=((advice, None, {"due_at": advice.due_at}) for advice in told),
    )
    recipients = comms_recipients() if told else []
    emails_queue(
        mail
        for advice in told
        for mail in notice(
            to=recipients,
            subject=f"Overdue advice request #{advice.pk} ({advice.get_urgency_display()})",
            template="advice_overdue",
            context={"advice": advice, "url": advice_url(advice)},
            category="advice.overdue",
        )
    )
    return len(overdue)


def _latest_training_of_admins() -> QuerySet[TrainingRecord]:
    """Each administrator's latest training record (a renewal supersedes the old one)."""
    newer = TrainingRecord.objects.filter(
        user_id=OuterRef("user_id"), expires_on__gt=OuterRef("expires_on")
    )
    admin = AdminAssignment.objects.filter(
        user_id=OuterRef("user_id"),
        revoked_at__isnull=True,
        account__status__in=OfficialAccount.OPEN_STATUSES,
    )
    return TrainingRecord.objects.filter(Exists(admin)).exclude(Exists(newer))


def training_expiry_sweep(*, today: date | None = None) -> SweepResult:
    """Remind admins whose training expires soon; flag their accounts once it has expired."""
    today = today or timezone.localdate()
    return SweepResult(reminded=_training_remind_due(today), flagged=_training_flag_due(today))


@transaction.atomic
def _training_remind_due(today: date) -> int:
    window = today + timedelta(days=int(getattr(settings, "TRAINING_REMINDER_DAYS", 30)))
    due = list(
        _latest_training_of_admins()
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .filter(expiry_reminded_at__isnull=True, expires_on__gte=today, expires_on__lte=window)
        .order_by("pk")
    )
    if not due:
        return 0
    TrainingRecord.objects.filter(pk__in=[record.pk for record in due]).update(
        expiry_reminded_at=timezone.now()
    )
    claimed = reminders_claim_bulk(
        kind="accounts_registry.training.expiring",
        model=TrainingRecord,
        claims=((record.pk, str(record.expires_on)) for record in due),
    )
    reminded = [record for record in due if (str(record.pk), str(record.expires_on)) in claimed]
    url = reverse("accounts_registry:training")
    emails_queue(
        mail
        for record in reminded
        for mail in notice(
            to=[record.user.email],
            subject=f"Your social media training expires on {record.expires_on:%d %B %Y}",
            template="training_expiring",
            context={"record": record, "url": url},
            category="training.expiring",
        )
    )
    return len(reminded)


@transaction.atomic
def _training_flag_due(today: date) -> int:
    if not governance_settings().training_required:
        return 0
    expired = list(
        _latest_training_of_admins()
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .filter(expiry_flagged_at__isnull=True, expires_on__lt=today)
        .order_by("pk")
    )
    if not expired:
        return 0
    TrainingRecord.objects.filter(pk__in=[record.pk for record in expired]).update(
        expiry_flagged_at=timezone.now()
    )
    # An account with several lapsed administrators is flagged once, naming the one whose record
    # comes first (as when each record flagged its accounts in turn).
    first_lapse: dict[int, TrainingRecord] = {}
    by_user = {record.user_id: record for record in reversed(expired)}  # each one's first record
    seats = AdminAssignment.objects.filter(
        user_id__in=list(by_user),
        revoked_at__isnull=True,
        account__status=OfficialAccount.Status.ACTIVE,
    ).values_list("account_id", "user_id")
    for account_id, user_id in seats:
        record = by_user[user_id]
        if account_id not in first_lapse or record.pk < first_lapse[account_id].pk:
            first_lapse[account_id] = record
    accounts = list(
        OfficialAccount.objects.select_for_update()
        .filter(pk__in=list(first_lapse), status=OfficialAccount.Status.ACTIVE)
        .order_by("pk")
    )
    return accounts_flag_bulk(
        accounts,
        reasons=[
            f"The social media training of {first_lapse[account.pk].user.display_name} expired "
            f"on {first_lapse[account.pk].expires_on:%d %B %Y} and has not been renewed."
            for account in accounts
        ],
    )

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
from accounts_registry.services.accounts import account_flag
from accounts_registry.services.advice import advice_url
from accounts_registry.services.notifications import comms_recipients, notify
from accounts_registry.services.training import governance_settings
from portal.audit import audit_record
from portal.reminders import reminder_claim


@transaction.atomic
def advice_overdue_sweep(*, now: datetime | None = None) -> int:
    """Tell comms once about each open advice request past its due time."""
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
    recipients = comms_recipients()
    for advice in overdue:
        if not reminder_claim(
            kind="accounts_registry.advice.overdue", target=advice, period=advice.due_at.isoformat()
        ):
            continue
        audit_record(
            actor=None,
            action="accounts_registry.advice.overdue",
            target=advice,
            new={"due_at": advice.due_at},
        )
        notify(
            to=recipients,
            subject=f"Overdue advice request #{advice.pk} ({advice.get_urgency_display()})",
            template="advice_overdue",
            context={"advice": advice, "url": advice_url(advice)},
            category="advice.overdue",
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
    TrainingRecord.objects.filter(pk__in=[record.pk for record in due]).update(
        expiry_reminded_at=timezone.now()
    )
    reminded = 0
    for record in due:
        if not reminder_claim(
            kind="accounts_registry.training.expiring", target=record, period=str(record.expires_on)
        ):
            continue
        notify(
            to=[record.user.email],
            subject=f"Your social media training expires on {record.expires_on:%d %B %Y}",
            template="training_expiring",
            context={"record": record, "url": reverse("accounts_registry:training")},
            category="training.expiring",
        )
        reminded += 1
    return reminded


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
    TrainingRecord.objects.filter(pk__in=[record.pk for record in expired]).update(
        expiry_flagged_at=timezone.now()
    )
    flagged = 0
    for record in expired:
        accounts = OfficialAccount.objects.select_for_update().filter(
            status=OfficialAccount.Status.ACTIVE,
            assignments__user_id=record.user_id,
            assignments__revoked_at__isnull=True,
        )
        for account in accounts.order_by("pk"):
            flagged += account_flag(
                account,
                actor=None,
                reason=f"The social media training of {record.user.display_name} expired on "
                f"{record.expires_on:%d %B %Y} and has not been renewed.",
            )
    return flagged

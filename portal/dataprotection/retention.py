"""The retention schedule: each period a setting, each rule a set-based, idempotent sweep.

The platform's own rules are here (the outbox, expired sessions); each app adds its rules
through ``retention_rules()`` in its ``api.py`` (``registry``). ``retention_sweep`` (beat,
daily) runs them all; ``retention_report`` is the data protection officer's dry run: how many
rows each rule would clear today, changing nothing.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef
from django.utils import timezone

from portal.dataprotection.registry import RetentionRule
from portal.dataprotection.registry import retention_rules as app_rules
from portal.models import OutboundContent, OutboundEmail


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier, clamped to the month's end (31 Mar - 1 -> 28/29 Feb)."""
    index = day.month - 1 - months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def retention_cutoff(months: int) -> datetime.datetime:
    """Midnight (local time) of the day ``months`` before today: older than this is due."""
    day = months_before(timezone.localdate(), months)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def outbox_retention_sweep(*, dry_run: bool = False) -> int:
    """Delivered or failed emails older than ``RETENTION_OUTBOX_DAYS`` lose their address,
    bodies and headers; the row (status, subject, category, time) stays, so delivery figures
    do not change. Cleared rows have no address and are not matched again. A mailing's shared
    text (``OutboundContent``) goes once no copy of it is left to deliver or clear."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_OUTBOX_DAYS)
    due = OutboundEmail.objects.filter(
        created_at__lt=cutoff,
        status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED],
    ).exclude(to="")
    if dry_run:
        return due.count()
    cleared = due.update(to="", body_text="", body_html="", headers={}, content=None, ref=None)
    in_use = OutboundEmail.objects.filter(content=OuterRef("pk"))
    OutboundContent.objects.filter(created_at__lt=cutoff).exclude(Exists(in_use)).delete()
    return cleared


def expired_sessions_sweep(*, dry_run: bool = False) -> int:
    """Sessions past their expiry are deleted (they carry the signed-in person's id)."""
    due = Session.objects.filter(expire_date__lt=timezone.now())
    if dry_run:
        return due.count()
    deleted, _ = due.delete()
    return deleted


def platform_rules() -> list[RetentionRule]:
    return [
        RetentionRule(
            app="portal",
            name="outbox_retention_sweep",
            held="Copies of sent emails: address, text, headers",
            clause="004 §5.4 (personal data), 000 (the university keeps alumni data)",
            setting="RETENTION_OUTBOX_DAYS",
            period=f"{settings.RETENTION_OUTBOX_DAYS} days after sending",
            sweep=outbox_retention_sweep,
        ),
        RetentionRule(
            app="portal",
            name="expired_sessions_sweep",
            held="Expired sign-in sessions",
            clause="004 §5.4",
            setting="PORTAL_SESSION_ABSOLUTE_SECONDS",
            period="at expiry",
            sweep=expired_sessions_sweep,
        ),
    ]


def all_rules() -> list[RetentionRule]:
    return platform_rules() + app_rules()


def retention_report() -> list[dict[str, Any]]:
    """What each rule would clear now (a dry run: nothing changes)."""
    return [{"rule": rule, "due": rule.sweep(dry_run=True)} for rule in all_rules()]


def retention_sweep() -> dict[str, int]:
    """Run every rule; each is idempotent, so a second run the same day clears nothing."""
    return {f"{rule.app}.{rule.name}": rule.sweep() for rule in all_rules()}

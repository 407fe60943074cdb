"""Scheduled sweep of the alumni app: remind the team of verifications waiting too long.

A verification is due 3 working days after it was requested (``due_at``, set by the service on
the working-day clock). One query finds the overdue ones; ``reminder_claim`` makes each remind
once per request (a resubmission starts a new period), and the team gets one email listing the
newly overdue, so running the sweep twice sends nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from alumni.models import Verification
from portal.mail import email_queue
from portal.models import User
from portal.reminders import reminder_claim
from portal.roles import Role

REMINDER_KIND = "alumni.verification.overdue"


def verification_reminder_sweep(*, now: datetime | None = None) -> int:
    """Returns how many overdue verifications were newly reminded about."""
    now = now or timezone.now()
    overdue = list(
        Verification.objects.filter(status=Verification.Status.PENDING, due_at__lte=now)
        .select_related("user")
        .order_by("due_at", "pk")
    )
    if not overdue:
        return 0
    with transaction.atomic():
        claimed = [
            v
            for v in overdue
            if reminder_claim(
                kind=REMINDER_KIND,
                target=v,
                period=v.requested_at.isoformat(),
                detail=v.user.email,
            )
        ]
        recipients = list(
            User.objects.filter(
                groups__name__in=[Role.ENGAGEMENT_STAFF.value, Role.ENGAGEMENT_MANAGER.value],
                is_active=True,
            )
            .order_by("email")
            .values_list("email", flat=True)
            .distinct()
        )
        if claimed and recipients:
            email_queue(
                to=recipients,
                subject=f"{len(claimed)} graduate verification(s) waiting over 3 working days",
                template="alumni/email/overdue",
                context={"verifications": claimed},
                category=REMINDER_KIND,
            )
    return len(claimed)

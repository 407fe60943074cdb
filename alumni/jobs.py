"""Scheduled sweep of the alumni app: remind the team of verifications waiting too long.

A verification is due 3 working days after it was requested (``due_at``, set by the service on
the working-day clock). One query finds the overdue ones not yet reminded about and one bulk
claim makes each remind once per request (a resubmission starts a new period); the team gets one
email listing the newly overdue, so running the sweep twice sends nothing the second time.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from alumni.models import Verification
from alumni.selectors import verifications_to_decide
from portal.mail import email_queue
from portal.models import Reminder, User
from portal.reminders import reminders_claim_bulk
from portal.roles import Role

REMINDER_KIND = "alumni.verification.overdue"


def verification_reminder_sweep(*, now: datetime | None = None) -> int:
    """Returns how many overdue verifications were newly reminded about.

    Set-based: one query finds the overdue verifications not yet reminded about in their
    current period (a reminder made since the latest request), one statement claims them all,
    so an idle run costs the same however many verifications wait.
    """
    now = now or timezone.now()
    reminded = Reminder.objects.filter(
        kind=REMINDER_KIND,
        target_type=ContentType.objects.get_for_model(Verification),
        target_id=Cast(OuterRef("pk"), CharField()),
        created_at__gte=OuterRef("requested_at"),
    )
    overdue = list(
        verifications_to_decide()
        .filter(status=Verification.Status.PENDING, due_at__lte=now)
        .filter(~Exists(reminded))
        .select_related("user")
        .order_by("due_at", "pk")
    )
    if not overdue:
        return 0
    with transaction.atomic():
        periods = {str(v.pk): v.requested_at.isoformat() for v in overdue}
        won = reminders_claim_bulk(
            kind=REMINDER_KIND,
            model=Verification,
            claims=[(v.pk, periods[str(v.pk)]) for v in overdue],
            details={(str(v.pk), periods[str(v.pk)]): v.user.email for v in overdue},
        )
        claimed = [v for v in overdue if (str(v.pk), periods[str(v.pk)]) in won]
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

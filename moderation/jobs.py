"""Scheduled sweeps of moderation: removal-request reminders and the escalation of overdue ones.

Reminders go out in three stages, each at most once per request (``portal.reminders``):

* ``before``: the deadline is less than ``MODERATION_REMOVAL_REMINDER_HOURS`` (24) away;
* ``due``: the deadline has passed - a last reminder to the owner;
* ``escalate``: ``MODERATION_REMOVAL_ESCALATE_AFTER_HOURS`` (48) after the deadline, comms are
  told and the request becomes escalated.

Each stage claims its due rows in one set-based query (``select_for_update(skip_locked=True)``,
leaving out the requests already reminded at that stage) inside one transaction, so a
concurrent run skips the rows this one holds and a second run finds nothing to do (one query
per stage); the reminder claims, one statement per stage, make a resend impossible even when a
row is claimed again, and the stage's emails are written in one insert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.audit import audit_record_bulk
from portal.mail import Mail, emails_queue
from portal.reminders import not_reminded, reminders_claim_bulk

from .models import RemovalRequest
from .selectors import comms_staff_emails
from .services.removals import owner_mail

REMINDER_KIND = "moderation.removal_request"


def _hours(name: str, default: int) -> timedelta:
    return timedelta(hours=int(getattr(settings, name, default)))


def _not_yet_reminded(requests: QuerySet[RemovalRequest], stage: str) -> QuerySet[RemovalRequest]:
    return (
        not_reminded(requests, kind=REMINDER_KIND, period=stage)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
    )


def _claim(requests: list[RemovalRequest], stage: str) -> list[RemovalRequest]:
    """The requests of ``requests`` whose ``stage`` reminder this run claimed (one statement)."""
    claimed = reminders_claim_bulk(
        kind=REMINDER_KIND, model=RemovalRequest, claims=((r.pk, stage) for r in requests)
    )
    return [r for r in requests if (str(r.pk), stage) in claimed]


def removal_reminders_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Send every removal-request reminder now due and escalate the overdue requests.

    Idempotent: running it twice sends nothing the second time, in three queries.
    """
    now = now or timezone.now()
    before = _hours("MODERATION_REMOVAL_REMINDER_HOURS", 24)
    escalate_after = _hours("MODERATION_REMOVAL_ESCALATE_AFTER_HOURS", 48)
    sent = {"before": 0, "due": 0, "escalate": 0}
    waiting = RemovalRequest.objects.filter(state=RemovalRequest.State.SENT)
    owner_stages = (
        (
            "before",
            waiting.filter(deadline__gt=now, deadline__lte=now + before),
            "removal_reminder",
            "Reminder: please remove content for",
        ),
        (
            "due",
            waiting.filter(deadline__lte=now, deadline__gt=now - escalate_after),
            "removal_due",
            "Deadline passed: please remove content for",
        ),
    )
    for stage, due, template, subject in owner_stages:
        with transaction.atomic():
            claimed = _claim(list(_not_yet_reminded(due, stage)), stage)
            emails_queue(owner_mail(request, template, subject) for request in claimed)
            sent[stage] = len(claimed)
    with transaction.atomic():
        overdue = list(
            _not_yet_reminded(
                waiting.filter(deadline__lte=now - escalate_after), "escalate"
            ).select_related("requested_by")
        )
        claimed = _claim(overdue, "escalate")
        if not claimed:
            return sent
        RemovalRequest.objects.filter(pk__in=[r.pk for r in claimed]).update(
            state=RemovalRequest.State.ESCALATED, escalated_at=now
        )
        recipients = comms_staff_emails()
        for request in claimed:
            request.state, request.escalated_at = RemovalRequest.State.ESCALATED, now
        audit_record_bulk(
            actor=None,
            action="moderation.removal_request.escalated",
            entries=(
                (request, {"state": RemovalRequest.State.SENT}, {"state": request.state})
                for request in claimed
            ),
        )
        emails_queue(
            Mail(
                to=recipients or [request.requested_by.email],
                subject=f"Overdue removal request: {request.owner_name}",
                template="moderation/email/removal_escalated",
                context={"request": request},
                category="moderation.removal_request.escalated",
            )
            for request in claimed
        )
        sent["escalate"] = len(claimed)
    return sent

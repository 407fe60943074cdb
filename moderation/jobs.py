"""Scheduled sweeps of moderation: removal-request reminders and the escalation of overdue ones;
chasing the replies to escalations (``escalation_reminders_sweep``); alerts about items past
their response target (``response_target_sweep``).

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
from typing import TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Exists, Model, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.template.defaultfilters import pluralize
from django.utils import timezone

from accounts_registry.api import admin_emails_by_account
from portal.audit import audit_record_bulk
from portal.dataprotection.retention import retention_cutoff
from portal.mail import Mail, emails_queue
from portal.models import Reminder
from portal.reminders import reminders_claim_bulk

from .models import Decision, Escalation, Incident, Item, RemovalRequest, Suggestion
from .selectors import comms_staff_emails
from .services.removals import owner_mail

REMINDER_KIND = "moderation.removal_request"
ESCALATION_REMINDER_KIND = "moderation.escalation"
TARGET_REMINDER_KIND = "moderation.response_target"
TARGET_TEMPLATE = "moderation/email/target_overdue"
TARGET_CATEGORY = "moderation.response_target"


def _hours(name: str, default: int) -> timedelta:
    return timedelta(hours=int(getattr(settings, name, default)))


M = TypeVar("M", bound=Model)


def _not_yet_reminded(rows: QuerySet[M], stage: str, kind: str = REMINDER_KIND) -> QuerySet[M]:
    reminded = Reminder.objects.filter(
        kind=kind,
        target_type=ContentType.objects.get_for_model(rows.model),
        target_id=Cast(OuterRef("pk"), CharField()),
        period=stage,
    )
    return (
        rows.filter(~Exists(reminded))
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


def _escalation_recipients(escalation: Escalation, stage: str, comms: list[str]) -> list[str]:
    if stage == "comms":
        return comms or [escalation.escalated_by.email]
    people = [escalation.address] if escalation.address else []
    people.append(escalation.escalated_by.email)
    if escalation.incident is not None and escalation.incident.owner is not None:
        people.append(escalation.incident.owner.email)
    return list(dict.fromkeys(people))


def _escalation_subject(escalation: Escalation) -> Item | Incident:
    subject = escalation.item or escalation.incident
    assert subject is not None  # moderation_escalation_one_subject
    return subject


def escalation_reminders_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Chase escalations with no reply: at ``reply_due_at`` the receiving team (and whoever
    escalated) are reminded; at ``comms_alert_at`` comms are told. Once per escalation and
    stage: each stage finds the escalations not yet chased at that stage in one query and
    claims them in one statement, then writes the audit events and the emails in one insert
    each. Running it twice sends nothing the second time, in one query per stage."""
    now = now or timezone.now()
    sent = {"reply_due": 0, "comms": 0}
    waiting = Escalation.objects.filter(recorded_at__isnull=True)
    comms: list[str] | None = None
    for stage, due in (("reply_due", "reply_due_at"), ("comms", "comms_alert_at")):
        with transaction.atomic():
            found = list(
                _not_yet_reminded(
                    waiting.filter(**{f"{due}__lte": now}), stage, ESCALATION_REMINDER_KIND
                ).select_related("escalated_by", "item__channel", "incident__owner")
            )
            won = reminders_claim_bulk(
                kind=ESCALATION_REMINDER_KIND,
                model=Escalation,
                claims=((escalation.pk, stage) for escalation in found),
            )
            claimed = [e for e in found if (str(e.pk), stage) in won]
            if not claimed:
                continue
            if comms is None and stage == "comms":
                comms = comms_staff_emails()
            audit_record_bulk(
                actor=None,
                action=f"moderation.escalation.reminded.{stage}",
                entries=(
                    (
                        _escalation_subject(escalation),
                        None,
                        {"escalation": escalation.pk, "to_whom": escalation.to_whom},
                    )
                    for escalation in claimed
                ),
            )
            emails_queue(
                Mail(
                    to=_escalation_recipients(escalation, stage, comms or []),
                    subject=(
                        f"No reply yet from {escalation.to_whom}"
                        if stage == "comms"
                        else f"Reminder: a reply is awaited on an escalation to {escalation.to_whom}"
                    ),
                    template="moderation/email/escalation_reminder",
                    context={"escalation": escalation, "stage": stage},
                    category=f"moderation.escalation.{stage}",
                )
                for escalation in claimed
            )
            sent[stage] = len(claimed)
    return sent


TARGET_BATCH = 500


def _target_mails(items: list[Item], stage: str) -> list[Mail]:
    """One email per channel to its current admins (comms when it has none) at the first
    stage; one email to comms listing the whole batch at the second."""
    if stage == "comms":
        subject = f"{len(items)} moderation item{pluralize(len(items))} still undecided"
        context = {"items": items, "stage": stage}
        return [
            Mail(
                to=comms_staff_emails(),
                subject=subject,
                template=TARGET_TEMPLATE,
                context=context,
                category=TARGET_CATEGORY,
            )
        ]
    by_channel: dict[int, list[Item]] = {}
    for item in items:
        by_channel.setdefault(item.channel_id, []).append(item)
    admins = admin_emails_by_account(by_channel)
    comms = comms_staff_emails() if set(by_channel) - set(admins) else []
    mails = []
    for channel_id, waiting in by_channel.items():
        channel = waiting[0].channel
        n = len(waiting)
        mails.append(
            Mail(
                to=admins.get(channel_id) or comms,
                subject=f"{n} item{pluralize(n)} past the response target on {channel}",
                template=TARGET_TEMPLATE,
                context={"items": waiting, "stage": stage, "channel": channel},
                category=TARGET_CATEGORY,
            )
        )
    return mails


def response_target_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Alert about undecided items past their response target (``moderation.targets``).

    ``admins``: at ``due_at`` the channel's current admins (comms for a channel with none);
    ``comms``: at ``alert_at``, one target later, comms. Once per item and stage: each batch
    of up to ``TARGET_BATCH`` is found in one query (open items past the time, not yet
    reminded at that stage, rows locked with ``skip_locked``), claimed in one statement,
    audited in one insert and mailed in one outbox call. An idle run is one query per stage
    whatever the number of open items; running it twice sends nothing the second time.
    """
    now = now or timezone.now()
    sent = {"admins": 0, "comms": 0}
    open_items = Item.objects.filter(state__in=Item.OPEN_STATES)
    for stage, field in (("admins", "due_at"), ("comms", "alert_at")):
        while True:
            with transaction.atomic():
                rows = _not_yet_reminded(
                    open_items.filter(**{f"{field}__lte": now}), stage, TARGET_REMINDER_KIND
                ).select_related("channel", "target_category")[:TARGET_BATCH]
                found = list(rows)
                claimed = reminders_claim_bulk(
                    kind=TARGET_REMINDER_KIND, model=Item, claims=((i.pk, stage) for i in found)
                )
                items = [item for item in found if (str(item.pk), stage) in claimed]
                if items:
                    audit_record_bulk(
                        actor=None,
                        action=(
                            "moderation.item.target_alert.comms"
                            if stage == "comms"
                            else "moderation.item.target_alert.admins"
                        ),
                        entries=((i, None, {"due_at": i.due_at, "stage": stage}) for i in items),
                    )
                    emails_queue(_target_mails(items, stage))
                sent[stage] += len(items)
            if len(found) < TARGET_BATCH or not items:
                break
    return sent


RETAINED_TEXT = "[removed after the retention period]"


def decided_items_retention_sweep(*, dry_run: bool = False) -> int:
    """Items decided more than ``RETENTION_MODERATION_MONTHS`` ago lose the author's handle,
    the text, the link, the reporter's address and the screening's quoted evidence; the item,
    its decision and category stay (the moderation figures do not change). Set-based; cleared
    items carry ``RETAINED_TEXT`` and are not matched again."""
    cutoff = retention_cutoff(settings.RETENTION_MODERATION_MONTHS)
    old_decision = Decision.objects.filter(item=OuterRef("pk"), active=True, decided_at__lt=cutoff)
    due = Item.objects.filter(Exists(old_decision), state=Item.State.DECIDED).exclude(
        text=RETAINED_TEXT
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        ids = list(due.values_list("pk", flat=True))
        Suggestion.objects.filter(item_id__in=ids).update(evidence="")
        return Item.objects.filter(pk__in=ids).update(
            text=RETAINED_TEXT, author_handle="", link="", reporter_email=""
        )

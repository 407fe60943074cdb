"""Escalations to other teams: opened by a decision on an item or by escalating an incident,
open until the receiving team's reply is recorded (who replied, when, and the outcome)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation.errors import ModerationError
from moderation.models import Escalation, Incident, Item
from moderation.permissions import can_manage_incidents
from portal.audit import audit_record
from portal.models import User
from portal.workdays import default_calendar

from .items import lock_item, require_channel

# The fields of a reply as it is recorded (the form takes its field list from here).
REPLY_FIELDS = ("reply_from", "replied_at", "reply_outcome")


def _working_days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def escalation_open(
    *,
    actor: User,
    team: str,
    to_whom: str,
    address: str = "",
    item: Item | None = None,
    incident: Incident | None = None,
) -> Escalation:
    """Record that ``item`` or ``incident`` was handed to another team (inside the caller's
    transaction, which holds the subject's row lock). The reply is chased after
    ``MODERATION_ESCALATION_REPLY_DAYS`` (2) working days and comms are alerted after
    ``MODERATION_ESCALATION_ALERT_DAYS`` (4)."""
    if team not in Escalation.Team.values:
        raise ModerationError("Choose the team it goes to.", field="team")
    now = timezone.now()
    calendar = default_calendar()
    reply_due = calendar.add_working_days(now, _working_days("MODERATION_ESCALATION_REPLY_DAYS", 2))
    alert = calendar.add_working_days(now, _working_days("MODERATION_ESCALATION_ALERT_DAYS", 4))
    assert reply_due is not None and alert is not None  # no pauses: always a due time
    escalation = Escalation.objects.create(
        item=item,
        incident=incident,
        team=team,
        to_whom=to_whom[:200],
        address=address,
        escalated_by=actor,
        escalated_at=now,
        reply_due_at=reply_due,
        comms_alert_at=alert,
    )
    target = item if item is not None else incident
    assert target is not None
    audit_record(
        actor=actor,
        action="moderation.escalation.opened",
        target=target,
        new={"escalation": escalation.pk, "team": team, "to_whom": escalation.to_whom},
    )
    return escalation


def escalation_record_reply(
    *,
    actor: User,
    escalation_id: int,
    reply_from: str,
    replied_at: datetime,
    reply_outcome: str,
) -> Escalation:
    """Record the receiving team's reply. An escalated item is then decided (it leaves the
    "escalated" state); an escalated incident may then be closed."""
    reply_from, reply_outcome = reply_from.strip(), reply_outcome.strip()
    if not reply_from:
        raise ModerationError("Say who replied for the receiving team.", field="reply_from")
    if not reply_outcome:
        raise ModerationError("Record what the receiving team decided.", field="reply_outcome")
    now = timezone.now()
    if replied_at > now:
        raise ModerationError("The reply cannot be in the future.", field="replied_at")
    subject = Escalation.objects.filter(pk=escalation_id).values_list("item_id", "incident_id")
    row = subject.first()
    if row is None:
        raise ModerationError("This escalation no longer exists.")
    item_id, incident_id = row
    with transaction.atomic():
        item = lock_item(item_id) if item_id is not None else None
        incident = None
        if item is not None:
            require_channel(actor, item.channel)
        elif not can_manage_incidents(actor):
            raise ModerationError("Only comms staff record replies to escalated incidents.")
        else:
            incident = Incident.objects.select_for_update().get(pk=incident_id)
        escalation = Escalation.objects.select_for_update().get(pk=escalation_id)
        if escalation.recorded_at is not None:
            raise ModerationError(
                f"The reply was already recorded by {escalation.recorded_by} "
                f"on {timezone.localtime(escalation.recorded_at):%d %b %Y %H:%M}."
            )
        # Replies are entered to the minute, so one in the escalation's own minute counts.
        if replied_at < escalation.escalated_at.replace(second=0, microsecond=0):
            raise ModerationError(
                "The reply cannot come before the escalation was sent.", field="replied_at"
            )
        escalation.reply_from, escalation.replied_at = reply_from[:200], replied_at
        escalation.reply_outcome, escalation.recorded_by = reply_outcome, actor
        escalation.recorded_at = now
        escalation.save(
            update_fields=[
                "reply_from",
                "replied_at",
                "reply_outcome",
                "recorded_by",
                "recorded_at",
            ]
        )
        reply = {
            "escalation": escalation.pk,
            "reply_from": escalation.reply_from,
            "replied_at": replied_at.isoformat(),
            "outcome": reply_outcome,
        }
        if item is not None:
            old_state = item.state
            if item.state == Item.State.ESCALATED and not item.escalations.filter(
                recorded_at__isnull=True
            ).exclude(pk=escalation.pk):
                item.state = Item.State.DECIDED
                item.save(update_fields=["state"])
            audit_record(
                actor=actor,
                action="moderation.item.escalation_replied",
                target=item,
                old={"state": old_state},
                new={"state": item.state, **reply},
            )
        elif incident is not None:
            audit_record(
                actor=actor,
                action="moderation.incident.escalation_replied",
                target=incident,
                new=reply,
            )
    return escalation

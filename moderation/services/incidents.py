"""Incidents (004 §6): report, triage, escalate, close, and the security breach checklist."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts_registry.api import official_accounts
from moderation.errors import ModerationError
from moderation.models import Escalation, Incident, IncidentStep
from moderation.permissions import can_manage_incidents, can_report_incident
from moderation.selectors import comms_staff_emails, items_visible_to
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User
from portal.workdays import default_calendar

from .decisions import escalation_address
from .escalations import escalation_open

# The fields a reporter enters (the form takes its field list from here).
INCIDENT_FIELDS = ("kind", "title", "description")

# state -> states it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Incident.State.REPORTED: (
        Incident.State.TRIAGED,
        Incident.State.ESCALATED,
        Incident.State.CLOSED,
    ),
    Incident.State.TRIAGED: (Incident.State.ESCALATED, Incident.State.CLOSED),
    Incident.State.ESCALATED: (Incident.State.CLOSED,),
    Incident.State.CLOSED: (),
}

# The severity an incident starts with, by kind (comms may change it).
DEFAULT_SEVERITY: dict[str, str] = {
    Incident.Kind.SECURITY_BREACH: Incident.Severity.HIGH,
    Incident.Kind.STAFF_HARASSMENT: Incident.Severity.HIGH,
    Incident.Kind.POLICY_BREACH: Incident.Severity.MEDIUM,
}


def incident_due_at(*, reported_at: datetime, severity: str) -> datetime | None:
    """The due time: the severity's working days from the report, on the working-day clock."""
    days = Incident.DUE_WORKING_DAYS[severity]
    return default_calendar().add_working_days(reported_at, days)


def incident_report(
    *,
    actor: User,
    kind: str,
    title: str,
    description: str,
    channel_id: int | None = None,
    item_id: int | None = None,
) -> Incident:
    """Any member of staff reports an incident; every comms staff member is emailed at once.

    An incident about a moderation item (``item_id``) may only be reported by someone who may
    see that item; it concerns the item's channel (given no ``channel_id``, the item's is used).
    """
    if not can_report_incident(actor):
        raise ModerationError("Only members of staff can report incidents here.")
    if kind not in Incident.Kind.values:
        raise ModerationError("Choose the kind of incident.", field="kind")
    channel = None
    if channel_id is not None:
        channel = official_accounts().filter(pk=channel_id).first()
        if channel is None:
            raise ModerationError("There is no official account with that number.", field="channel")
    item = None
    if item_id is not None:
        item = items_visible_to(user=actor).select_related("channel").filter(pk=item_id).first()
        if item is None:
            raise ModerationError("There is no moderation item with that number.")
        if channel is None:
            channel = item.channel
        elif channel.pk != item.channel_id:
            raise ModerationError("The item is on another official account.")
    severity = DEFAULT_SEVERITY[kind]
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=kind,
            title=title.strip(),
            description=description.strip(),
            channel=channel,
            item=item,
            reported_by=actor,
            reported_at=now,
            severity=severity,
            due_at=incident_due_at(reported_at=now, severity=severity),
        )
        audit_record(
            actor=actor,
            action="moderation.incident.reported",
            target=incident,
            new={
                "kind": kind,
                "state": incident.state,
                "severity": severity,
                "channel": channel.pk if channel else None,
                "item": item.pk if item else None,
            },
        )
        email_queue(
            to=comms_staff_emails(),
            subject=f"Incident reported: {incident.get_kind_display()}",
            template="moderation/email/incident_reported",
            context={"incident": incident, "reporter": actor},
            category="moderation.incident.reported",
        )
    return incident


def _lock(incident_id: int) -> Incident:
    try:
        return Incident.objects.select_for_update().get(pk=incident_id)
    except Incident.DoesNotExist as exc:
        raise ModerationError("This incident no longer exists.") from exc


def incident_assign(
    *, actor: User, incident_id: int, owner_id: int | None, severity: str
) -> Incident:
    """Comms name the incident's owner (a member of comms staff) and its severity; the due
    time follows the severity on the working-day clock from the report. No change, no event."""
    if not can_manage_incidents(actor):
        raise ModerationError("Only comms staff manage incidents.")
    if severity not in Incident.Severity.values:
        raise ModerationError("Choose one of the listed severities.", field="severity")
    owner = None
    if owner_id is not None:
        owner = User.objects.filter(pk=owner_id, is_active=True).first()
        if owner is None or not can_manage_incidents(owner):
            raise ModerationError("The owner must be a member of comms staff.", field="owner")
    with transaction.atomic():
        incident = _lock(incident_id)
        if incident.state == Incident.State.CLOSED:
            raise ModerationError("This incident is closed.")
        if incident.owner_id == owner_id and incident.severity == severity:
            return incident
        old = {
            "owner": incident.owner_id,
            "severity": incident.severity,
            "due_at": incident.due_at.isoformat() if incident.due_at else None,
        }
        incident.owner, incident.severity = owner, severity
        incident.due_at = incident_due_at(reported_at=incident.reported_at, severity=severity)
        incident.save(update_fields=["owner", "severity", "due_at"])
        audit_record(
            actor=actor,
            action="moderation.incident.assigned",
            target=incident,
            old=old,
            new={
                "owner": owner_id,
                "owner_name": str(owner) if owner else "",
                "severity": severity,
                "due_at": incident.due_at.isoformat() if incident.due_at else None,
            },
        )
    return incident


def incident_transition(
    *,
    actor: User,
    incident_id: int,
    to_state: str,
    note: str,
    team: str = Escalation.Team.OTHER,
) -> Incident:
    """Move an incident on: triage, escalate (to ``team``; ``note`` says to whom) or close (with
    the resolution; an escalated incident only once the receiving team's reply is recorded)."""
    if not can_manage_incidents(actor):
        raise ModerationError("Only comms staff manage incidents.")
    note = note.strip()
    with transaction.atomic():
        incident = _lock(incident_id)
        if to_state not in TRANSITIONS.get(incident.state, ()):
            raise ModerationError(
                f"A {incident.get_state_display().lower()} incident cannot become {to_state}."
            )
        if to_state in (Incident.State.ESCALATED, Incident.State.CLOSED) and not note:
            raise ModerationError(
                "Say to whom it was escalated."
                if to_state == Incident.State.ESCALATED
                else "Record the resolution before closing."
            )
        if to_state == Incident.State.CLOSED and incident.kind == Incident.Kind.SECURITY_BREACH:
            missing = set(IncidentStep.Step.values) - set(
                incident.steps.values_list("step", flat=True)
            )
            if missing:
                labels = [IncidentStep.Step(s).label for s in sorted(missing)]
                raise ModerationError("Finish the checklist before closing: " + "; ".join(labels))
        if to_state == Incident.State.CLOSED:
            waiting = incident.escalations.filter(recorded_at__isnull=True).first()
            if waiting is not None:
                raise ModerationError(
                    f"Record the reply from {waiting.to_whom} before closing the incident."
                )
        if to_state == Incident.State.ESCALATED and team not in Escalation.Team.values:
            raise ModerationError("Choose the team it goes to.", field="team")
        old = {"state": incident.state}
        incident.state = to_state
        incident.handled_by = actor
        fields = ["state", "handled_by"]
        if to_state == Incident.State.ESCALATED:
            incident.escalated_to = note[:200]
            fields.append("escalated_to")
        if to_state == Incident.State.CLOSED:
            incident.resolution, incident.closed_at = note, timezone.now()
            fields += ["resolution", "closed_at"]
        incident.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=f"moderation.incident.{to_state}",
            target=incident,
            old=old,
            new={"state": to_state, "note": note},
        )
        if to_state == Incident.State.ESCALATED:
            address = escalation_address(team) if team != Escalation.Team.OTHER else ""
            escalation_open(
                actor=actor, team=team, to_whom=note, address=address, incident=incident
            )
    return incident


def incident_tick_step(*, actor: User, incident_id: int, step: str, note: str = "") -> IncidentStep:
    """Tick one step of a security breach's checklist, recording who and when (004 §4.18)."""
    if not can_manage_incidents(actor):
        raise ModerationError("Only comms staff manage incidents.")
    if step not in IncidentStep.Step.values:
        raise ModerationError("Unknown checklist step.")
    with transaction.atomic():
        incident = _lock(incident_id)
        if incident.kind != Incident.Kind.SECURITY_BREACH:
            raise ModerationError("Only security breaches have a checklist.")
        if incident.state == Incident.State.CLOSED:
            raise ModerationError("This incident is closed.")
        try:
            with transaction.atomic():
                done = IncidentStep.objects.create(
                    incident=incident, step=step, done_by=actor, note=note.strip()[:300]
                )
        except IntegrityError as exc:
            raise ModerationError("That step is already ticked.") from exc
        audit_record(
            actor=actor,
            action="moderation.incident.step_done",
            target=incident,
            new={"step": step, "note": done.note},
        )
    return done

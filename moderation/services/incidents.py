"""Incidents (004 §6): report, triage, escalate, close, and the security breach checklist."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts_registry.api import official_accounts
from moderation.errors import ModerationError
from moderation.models import Incident, IncidentStep
from moderation.permissions import can_manage_incidents, can_report_incident
from moderation.selectors import comms_staff_emails, items_visible_to
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User

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
    with transaction.atomic():
        incident = Incident.objects.create(
            kind=kind,
            title=title.strip(),
            description=description.strip(),
            channel=channel,
            item=item,
            reported_by=actor,
        )
        audit_record(
            actor=actor,
            action="moderation.incident.reported",
            target=incident,
            new={
                "kind": kind,
                "state": incident.state,
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


def incident_transition(*, actor: User, incident_id: int, to_state: str, note: str) -> Incident:
    """Move an incident on: triage, escalate (``note`` says to whom) or close (with resolution)."""
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

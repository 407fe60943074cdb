"""The event and communication request state machine (SPEC A4), one service per transition.

    submitted -> in_progress | changes_requested | scheduled | declined
    in_progress -> changes_requested | scheduled | declined | sent
    changes_requested -> submitted (resubmission) | declined
    scheduled -> in_progress | changes_requested | sent | declined

The due time is ``WorkingCalendar.add_working_days(submitted_at, GROUPS_SLA_WORKING_DAYS)`` with
every "changes requested" period as a pause, so it is empty while the group holds the request
and moves on by the paused time once it is resubmitted. The first response is the first move
out of "submitted". Each transition locks the row and re-checks its state, so when two staff
act at once exactly one of them moves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from groups.errors import GroupsError
from groups.models import AlumniGroup, GroupRequest, RequestMessage, RequestPause
from groups.models.requests import DEFAULT_EVENT_TIME_ZONE, validate_time_zone
from groups.permissions import is_committee_member, is_engagement_staff
from groups.selectors import consenting_member_count
from groups.services.notifications import notify_committee
from groups.services.rules import lock_group, require_staff
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User
from portal.screening import RuleSet, screen
from portal.workdays import Pause, default_calendar

S = GroupRequest.Status

EDITABLE_FIELDS = (
    "kind",
    "title",
    "content",
    "audience",
    "preferred_date",
    "event_start",
    "event_end",
    "event_timezone",
    "event_venue",
    "event_url",
)


def sla_working_days() -> int:
    return int(getattr(settings, "GROUPS_SLA_WORKING_DAYS", 3))


@dataclass(frozen=True)
class RequestDetails:
    """What the committee fills in on the short form."""

    kind: str
    title: str
    content: str
    audience: str = GroupRequest.Audience.MEMBERS
    preferred_date: date | None = None
    event_start: datetime | None = None
    event_end: datetime | None = None
    event_timezone: str = DEFAULT_EVENT_TIME_ZONE
    event_venue: str = ""
    event_url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


def screening_findings(details: RequestDetails) -> list[dict[str, Any]]:
    """Conduct screening of the title and content; advice for the reviewer, never a verdict."""
    findings = screen(f"{details.title}\n{details.content}", rule_set=RuleSet.CONDUCT)
    return [
        {
            "code": f.rule.code,
            "label": f.rule.label,
            "clause": f.rule.clause,
            "severity": f.rule.severity,
            "evidence": f.evidence,
        }
        for f in findings
    ]


def compute_due_at(submitted_at: datetime, pauses: Iterable[RequestPause]) -> datetime | None:
    return default_calendar().add_working_days(
        submitted_at,
        sla_working_days(),
        pauses=[Pause(p.started_at, p.ended_at) for p in pauses],
    )


def _validate(details: RequestDetails, group: AlumniGroup) -> None:
    try:
        validate_time_zone(details.event_timezone)
    except ValidationError as exc:
        raise GroupsError(" ".join(exc.messages), field="event_timezone") from exc
    if details.event_start and details.event_end and details.event_end < details.event_start:
        raise GroupsError("The event cannot end before it starts.", field="event_end")
    if details.audience == GroupRequest.Audience.MEMBERS and consenting_member_count(group) == 0:
        raise GroupsError(
            "No member of this group has agreed to receive its emails yet, so there is nobody "
            "to email. Choose a public listing instead.",
            field="audience",
        )


def _lock(request_id: int) -> GroupRequest:
    try:
        return GroupRequest.objects.select_for_update().select_related("group").get(pk=request_id)
    except GroupRequest.DoesNotExist as exc:
        raise GroupsError("No such request.") from exc


def _require_status(req: GroupRequest, *allowed: str, doing: str) -> None:
    if req.status not in allowed:
        raise GroupsError(
            f"This request is {req.get_status_display().lower()}, so you cannot {doing} it now."
        )


def _cancel_unsent_email(req: GroupRequest, actor: User) -> None:
    """Leaving "accepted" cancels a scheduled email; once one is going out, the move is refused
    (the request can then only end as sent)."""
    from groups.services.communications import communications_cancel_unsent

    communications_cancel_unsent(actor=actor, request_id=req.pk)


def _move(
    req: GroupRequest,
    *,
    actor: User | None,
    to: str,
    verb: str,
    fields: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    """Change the status, stamp the first response, save only what changed, audit it."""
    old = req.status
    changed = {"status", *fields}
    req.status = to
    if old == S.SUBMITTED and req.first_response_at is None:
        req.first_response_at = timezone.now()
        # Stored once so the SLA report never recomputes working time per request.
        req.first_response_hours = round(
            default_calendar().working_hours_between(req.submitted_at, req.first_response_at), 3
        )
        changed.update({"first_response_at", "first_response_hours"})
    req.save(update_fields=[*sorted(changed), "updated_at"])
    audit_record(
        actor=actor,
        action=f"groups.request.{verb}",
        target=req,
        old={"status": old},
        new={"status": to, **(extra or {})},
    )


def _tell_committee(req: GroupRequest, subject: str, note: str = "") -> None:
    notify_committee(
        group=req.group,
        subject=subject,
        template="groups/email/request_update",
        context={"request_obj": req, "note": note},
        category="groups.request.update",
    )


def request_submit(
    *,
    actor: User,
    group_id: int,
    details: RequestDetails,
    received_at: datetime | None = None,
) -> GroupRequest:
    """A committee member submits the short form; the 3-working-day clock starts.

    ``received_at`` records a request that reached the team earlier by another route (it may
    not lie in the future); by default the clock starts now.
    """
    findings = screening_findings(details)
    with transaction.atomic():
        group = lock_group(group_id)
        if not is_committee_member(actor, group) or group.status != AlumniGroup.Status.ACTIVE:
            raise GroupsError("Only the committee of an active group can submit requests.")
        _validate(details, group)
        now = min(received_at, timezone.now()) if received_at else timezone.now()
        req = GroupRequest.objects.create(
            group=group,
            created_by=actor,
            submitted_at=now,
            due_at=compute_due_at(now, ()),
            screening=findings,
            **details.as_dict(),
        )
        audit_record(
            actor=actor,
            action="groups.request.submitted",
            target=req,
            new={"status": req.status, "due_at": req.due_at, "screening": len(findings)},
        )
    return req


def request_start(*, actor: User, request_id: int) -> GroupRequest:
    """A reviewer picks the request from the queue."""
    require_staff(actor)
    with transaction.atomic():
        req = _lock(request_id)
        _require_status(req, S.SUBMITTED, S.SCHEDULED, doing="start work on")
        req.assigned_to = actor
        _move(req, actor=actor, to=S.IN_PROGRESS, verb="started", fields=["assigned_to"])
    return req


def request_ask_changes(*, actor: User, request_id: int, message: str) -> GroupRequest:
    """Send the request back to the group; the SLA clock pauses until it is resubmitted."""
    require_staff(actor)
    if not message.strip():
        raise GroupsError("Tell the committee what to change.", field="message")
    with transaction.atomic():
        req = _lock(request_id)
        _require_status(req, S.SUBMITTED, S.IN_PROGRESS, S.SCHEDULED, doing="ask for changes to")
        _cancel_unsent_email(req, actor)
        now = timezone.now()
        RequestPause.objects.create(request=req, started_at=now)
        RequestMessage.objects.create(request=req, author=actor, from_staff=True, body=message)
        req.due_at = None
        req.assigned_to = req.assigned_to or actor
        _move(
            req,
            actor=actor,
            to=S.CHANGES_REQUESTED,
            verb="changes_requested",
            fields=["due_at", "assigned_to"],
            extra={"message": message},
        )
        _tell_committee(req, f"Changes requested: {req.title}", message)
    return req


def request_resubmit(
    *, actor: User, request_id: int, details: RequestDetails, note: str = ""
) -> GroupRequest:
    """The committee answers a change request; the clock resumes where it stopped."""
    with transaction.atomic():
        req = _lock(request_id)
        if not is_committee_member(actor, req.group):
            raise GroupsError("Only this group's committee can resubmit the request.")
        _require_status(req, S.CHANGES_REQUESTED, doing="resubmit")
        _validate(details, req.group)
        now = timezone.now()
        RequestPause.objects.filter(request=req, ended_at__isnull=True).update(ended_at=now)
        old = {f: getattr(req, f) for f in EDITABLE_FIELDS}
        new = details.as_dict()
        for field, value in new.items():
            setattr(req, field, value)
        req.screening = screening_findings(details)
        req.stage += 1
        req.due_at = compute_due_at(req.submitted_at, req.pauses.all())
        if note.strip():
            RequestMessage.objects.create(request=req, author=actor, from_staff=False, body=note)
        changed = {f: new[f] for f in EDITABLE_FIELDS if old[f] != new[f]}
        _move(
            req,
            actor=actor,
            to=S.SUBMITTED,
            verb="resubmitted",
            fields=[*EDITABLE_FIELDS, "screening", "stage", "due_at"],
            extra={"changed": changed, "previous": {f: old[f] for f in changed}},
        )
        if req.assigned_to_id is not None and req.assigned_to is not None:
            email_queue(
                to=req.assigned_to.email,
                subject=f"Resubmitted: {req.title}",
                template="groups/email/request_resubmitted",
                context={"request_obj": req, "note": note},
                category="groups.request.resubmitted",
            )
    return req


def request_schedule(*, actor: User, request_id: int, scheduled_for: datetime) -> GroupRequest:
    require_staff(actor)
    if scheduled_for < timezone.now():
        raise GroupsError("Choose a time in the future.", field="scheduled_for")
    with transaction.atomic():
        req = _lock(request_id)
        _require_status(req, S.SUBMITTED, S.IN_PROGRESS, doing="schedule")
        req.scheduled_for = scheduled_for
        req.assigned_to = req.assigned_to or actor
        _move(
            req,
            actor=actor,
            to=S.SCHEDULED,
            verb="scheduled",
            fields=["scheduled_for", "assigned_to"],
            extra={"scheduled_for": scheduled_for},
        )
        _tell_committee(
            req,
            f"Scheduled: {req.title}",
            f"It is scheduled for {timezone.localtime(scheduled_for):%d %B %Y %H:%M}.",
        )
    return req


def request_decline(*, actor: User, request_id: int, reason: str) -> GroupRequest:
    require_staff(actor)
    if not reason.strip():
        raise GroupsError(
            "Give the reason for declining; the committee will see it.", field="reason"
        )
    with transaction.atomic():
        req = _lock(request_id)
        _require_status(
            req, S.SUBMITTED, S.IN_PROGRESS, S.CHANGES_REQUESTED, S.SCHEDULED, doing="decline"
        )
        _cancel_unsent_email(req, actor)
        RequestPause.objects.filter(request=req, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        req.decline_reason = reason
        _move(
            req,
            actor=actor,
            to=S.DECLINED,
            verb="declined",
            fields=["decline_reason"],
            extra={"reason": reason},
        )
        _tell_committee(req, f"Declined: {req.title}", reason)
    return req


def request_mark_sent(*, actor: User | None, request_id: int) -> GroupRequest:
    """Record that the request went out: listings and posts by staff, emails by the sender."""
    if actor is not None:
        require_staff(actor)
    with transaction.atomic():
        req = _lock(request_id)
        _require_status(req, S.IN_PROGRESS, S.SCHEDULED, doing="mark as sent")
        if actor is not None and req.sends_email:
            raise GroupsError("Email requests are marked sent when their email has gone out.")
        req.sent_at = timezone.now()
        _move(
            req,
            actor=actor,
            to=S.SENT,
            verb="sent",
            fields=["sent_at"],
            extra={"sent_at": req.sent_at},
        )
        _tell_committee(req, f"Sent: {req.title}")
    return req


def request_message_post(*, actor: User, request_id: int, body: str) -> RequestMessage:
    """A message in the request's thread, from the reviewer or the committee."""
    if not body.strip():
        raise GroupsError("Write a message first.", field="body")
    with transaction.atomic():
        req = _lock(request_id)
        from_staff = is_engagement_staff(actor)
        if not from_staff and not is_committee_member(actor, req.group):
            raise GroupsError("Only the reviewer and the group's committee can write here.")
        message = RequestMessage.objects.create(
            request=req, author=actor, from_staff=from_staff, body=body
        )
        audit_record(
            actor=actor, action="groups.request.message_posted", target=req, new={"body": body}
        )
        if from_staff:
            _tell_committee(req, f"New message about: {req.title}", body)
        elif req.assigned_to is not None:
            email_queue(
                to=req.assigned_to.email,
                subject=f"New message from the committee: {req.title}",
                template="groups/email/request_resubmitted",
                context={"request_obj": req, "note": body},
                category="groups.request.message",
            )
    return message

"""Central sending (SPEC A5): one email per consenting member, in batches, never twice.

    scheduled -> sending (released by the dispatch sweep at ``release_at``) | cancelled
    sending -> sent (no delivery left queued);  sent -> sending (a retry of failed deliveries)

``communication_create`` snapshots the recipients as ``Delivery`` rows (one per recipient,
unique per communication, one ``INSERT ... SELECT``) and, when due now, queues one task per
batch. A request has at most
one communication that is not cancelled, so the corrected version of a request is a new
communication only once the old one was cancelled, and nobody gets one version twice.
``communication_send_batch`` locks the batch's queued rows and writes their outbox copies in
the same transaction, set-based (``groups.services.mailing``: the mailing is rendered once); a delivery is "sent" or "failed" only when the outbox says so
(``deliveries_sync``), never when the email was merely written. Consent is checked again at
send time: a member who unsubscribed since the snapshot is skipped. The sweep that releases
scheduled communications and resumes lost batches is ``groups.jobs.communication_dispatch_sweep``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from alumni.api import verified_user_ids
from groups.errors import GroupsError
from groups.models import Communication, Delivery, GroupRequest, Membership
from groups.reports import sla_months_changed
from groups.services.mailing import (
    CATEGORY,
    copies_link,
    copy_rows,
    deliveries_snapshot,
    mailing_content,
)
from groups.services.mailing import membership_from_token as membership_from_token
from groups.services.mailing import unsubscribe_token as unsubscribe_token
from groups.services.mailing import unsubscribe_url as unsubscribe_url
from groups.services.rules import require_staff
from portal.audit import audit_record
from portal.mail import copies_queue
from portal.models import OutboundEmail, User

R = GroupRequest.Status
C = Communication.Status
D = Delivery.Status
# A communication is composed for an accepted request, and goes out only while its request is
# still accepted; "sent" covers a retry of failed deliveries after the request went out.
COMPOSABLE_REQUEST_STATUSES = (R.IN_PROGRESS, R.SCHEDULED)
SENDABLE_REQUEST_STATUSES = (R.IN_PROGRESS, R.SCHEDULED, R.SENT)


def batch_size() -> int:
    # A batch is a few set-based statements whatever its size: large batches, few tasks.
    return max(1, int(getattr(settings, "GROUPS_SEND_BATCH_SIZE", 5000)))


def _lock(communication_id: int) -> Communication:
    try:
        return (
            Communication.objects.select_for_update(of=("self",))
            .select_related("request")
            .get(pk=communication_id)
        )
    except Communication.DoesNotExist as exc:
        raise GroupsError("No such communication.") from exc


def _enqueue_batches(communication_id: int, numbers: Iterable[int]) -> None:
    from groups.tasks import send_communication_batch
    from portal.queue import enqueue_on_commit

    for number in numbers:
        enqueue_on_commit(send_communication_batch, communication_id, number)


def communication_create(*, actor: User, request_id: int, subject: str, body: str) -> Communication:
    """Turn an accepted (in progress or scheduled) email request into a communication."""
    require_staff(actor)
    with transaction.atomic():
        req = GroupRequest.objects.select_for_update().select_related("group").get(pk=request_id)
        if req.status not in COMPOSABLE_REQUEST_STATUSES:
            raise GroupsError("Only a request in progress or scheduled can be sent.")
        if not req.sends_email:
            raise GroupsError("This request is a public listing; it has no email audience.")
        live = req.communications.exclude(status=C.CANCELLED).first()
        if live is not None and live.status == C.SCHEDULED:
            raise GroupsError("This request's email is already scheduled; cancel it first.")
        if live is not None:
            raise GroupsError("This request's email has already been sent.")
        recipients = Membership.objects.filter(
            group=req.group,
            left_at__isnull=True,
            email_consent=True,
            user__is_active=True,
            user_id__in=verified_user_ids(),  # a pending graduate receives no alumni mail
        )
        size = batch_size()
        now = timezone.now()
        # A request scheduled for later is composed now and released by the dispatch sweep. A
        # time kept from before the request went back for changes is stale: work in progress
        # goes out now, and staff schedule it again if they want a later time.
        scheduled = req.status == R.SCHEDULED and req.scheduled_for is not None
        release_at = max(now, req.scheduled_for) if scheduled and req.scheduled_for else now
        due = release_at <= now
        communication = Communication.objects.create(
            request=req,
            subject=subject,
            body=body,
            created_by=actor,
            status=C.SENDING if due else C.SCHEDULED,
            batch_size=size,
            release_at=release_at,
            dispatched_at=now if due else None,
        )
        count = deliveries_snapshot(communication=communication, recipients=recipients, size=size)
        if not count:  # the transaction rolls back with the communication
            raise GroupsError("No member of this group consents to its emails.", field="subject")
        communication.recipient_count = count
        communication.batch_count = (count + size - 1) // size
        communication.save(update_fields=["recipient_count", "batch_count"])
        audit_record(
            actor=actor,
            action="groups.communication.queued",
            target=communication,
            new={
                "request": req.pk,
                "status": communication.status,
                "recipients": communication.recipient_count,
                "batches": communication.batch_count,
                "release_at": communication.release_at,
            },
        )
        if due:
            _enqueue_batches(communication.pk, range(communication.batch_count))
    return communication


def _cancel(communication: Communication, *, actor: User | None, reason: str) -> None:
    """Cancel a scheduled communication whose row the caller holds locked."""
    cancelled = Delivery.objects.filter(communication=communication, status=D.QUEUED).update(
        status=D.CANCELLED
    )
    communication.status = C.CANCELLED
    communication.cancelled_at = timezone.now()
    communication.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=actor,
        action="groups.communication.cancelled",
        target=communication,
        old={"status": C.SCHEDULED},
        new={"status": C.CANCELLED, "deliveries": cancelled, "reason": reason},
    )


def communication_cancel(*, actor: User, communication_id: int) -> Communication:
    """Staff withdraw a scheduled email before it goes out; its delivery rows stay, cancelled."""
    require_staff(actor)
    with transaction.atomic():
        communication = _lock(communication_id)
        if communication.status == C.CANCELLED:
            return communication  # a second click changes nothing
        if communication.status != C.SCHEDULED:
            raise GroupsError("This email has started going out; it can no longer be cancelled.")
        _cancel(communication, actor=actor, reason="cancelled by staff")
    return communication


def communications_cancel_unsent(*, actor: User, request_id: int) -> int:
    """For a request leaving "accepted": cancel its scheduled email; refuse once one is going out.

    Runs inside the request transition's transaction, with the request row already locked.
    """
    cancelled = 0
    for communication in (
        Communication.objects.select_for_update()
        .filter(request_id=request_id)
        .exclude(status=C.CANCELLED)
    ):
        if communication.status != C.SCHEDULED:
            raise GroupsError("The email for this request is already being sent.")
        _cancel(communication, actor=actor, reason="request left the accepted state")
        cancelled += 1
    return cancelled


def communication_reschedule(
    *, actor: User, communication_id: int, scheduled_for: datetime
) -> Communication:
    """Move a scheduled email to another time (and its request's scheduled time with it)."""
    require_staff(actor)
    if scheduled_for <= timezone.now():
        raise GroupsError("Choose a time in the future.", field="scheduled_for")
    with transaction.atomic():
        communication = _lock(communication_id)
        if communication.status != C.SCHEDULED:
            raise GroupsError("Only an email that has not started going out can be rescheduled.")
        old = communication.release_at
        if old == scheduled_for:
            return communication
        communication.release_at = scheduled_for
        communication.save(update_fields=["release_at"])
        moved = GroupRequest.objects.filter(pk=communication.request_id, status=R.SCHEDULED)
        sla_months_changed(*moved.values_list("submitted_at", flat=True))
        moved.update(scheduled_for=scheduled_for, updated_at=timezone.now())
        audit_record(
            actor=actor,
            action="groups.communication.rescheduled",
            target=communication,
            old={"release_at": old},
            new={"release_at": scheduled_for},
        )
    return communication


def communication_send_batch(*, communication_id: int, batch: int) -> int:
    """Write one batch to the outbox; returns how many emails this call queued (0 on a repeat).

    Nothing goes out unless the communication is sending and its request still allows it.
    Set-based whatever the batch's size: the rows are locked, the members who withdrew since
    the snapshot skipped, and the copies written, linked and counted in one statement each.
    """
    sent = 0
    with transaction.atomic():
        communication = Communication.objects.select_related("request__group").get(
            pk=communication_id
        )
        req = communication.request
        if communication.status != C.SENDING or req.status not in SENDABLE_REQUEST_STATUSES:
            return 0
        memberships = dict(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(communication=communication, batch=batch, status=D.QUEUED, email__isnull=True)
            .values_list("membership_id", "pk")
        )
        ids = list(memberships.values())
        if ids:
            Delivery.objects.filter(pk__in=ids).filter(
                Q(membership__left_at__isnull=False)
                | Q(membership__email_consent=False)
                | Q(recipient__is_active=False)
            ).update(status=D.SKIPPED)
            # The first batch renders the mailing, under the communication's lock.
            locked = communication if communication.content_id else _lock(communication_id)
            content = mailing_content(locked)
            queued = Delivery.objects.filter(pk__in=ids, status=D.QUEUED)
            copies = copies_queue(content=content, recipients=copy_rows(queued), category=CATEGORY)
            copies_link(memberships=memberships, copies=copies)
            sent = len(copies)
    # Closing is for a communication with nothing left to write (every member skipped, say);
    # otherwise the outbox is still sending, and the dispatch sweep closes it when done.
    unwritten = Delivery.objects.filter(
        communication_id=communication_id, status=D.QUEUED, email__isnull=True
    )
    if not unwritten.exists():
        communication_complete_if_done(communication_id=communication_id)
    return sent


def deliveries_sync(*, communication_ids: Iterable[int]) -> int:
    """Copy the outbox's verdict onto queued deliveries: sent, or failed with its reason.

    Two set-based updates; a delivery whose email is still pending stays queued.
    """
    queued = Delivery.objects.filter(communication_id__in=list(communication_ids), status=D.QUEUED)
    email = OutboundEmail.objects.filter(pk=OuterRef("email_id"))
    changed = queued.filter(email__status=OutboundEmail.Status.SENT).update(
        status=D.SENT, sent_at=Subquery(email.values("sent_at")[:1])
    )
    changed += queued.filter(email__status=OutboundEmail.Status.FAILED).update(
        status=D.FAILED, error=Subquery(email.values("last_error")[:1])
    )
    return changed


def communication_complete_if_done(*, communication_id: int) -> bool:
    """When no delivery is queued, close the communication and mark its request sent."""
    from groups.services.requests import request_mark_sent

    with transaction.atomic():
        communication = _lock(communication_id)
        if communication.status != C.SENDING:
            return False
        deliveries_sync(communication_ids=[communication.pk])
        if communication.deliveries.filter(status=D.QUEUED).exists():
            return False
        communication.status = C.SENT
        communication.completed_at = timezone.now()
        communication.save(update_fields=["status", "completed_at"])
        counts = {
            str(status): communication.deliveries.filter(status=status).count()
            for status in (D.SENT, D.FAILED, D.SKIPPED)
        }
        audit_record(
            actor=None, action="groups.communication.completed", target=communication, new=counts
        )
        if communication.request.status in COMPOSABLE_REQUEST_STATUSES:
            request_mark_sent(actor=None, request_id=communication.request_id)
    return True


def communication_retry_failed(*, actor: User, communication_id: int) -> int:
    """Queue the failed deliveries again (only those); returns how many. Each gets a new email."""
    require_staff(actor)
    with transaction.atomic():
        communication = _lock(communication_id)
        if communication.status not in (C.SENDING, C.SENT):
            raise GroupsError("Only an email that went out can have failed deliveries to retry.")
        if communication.request.status not in SENDABLE_REQUEST_STATUSES:
            raise GroupsError("This request no longer allows sending.")
        deliveries_sync(communication_ids=[communication.pk])
        failed = Delivery.objects.filter(communication=communication, status=D.FAILED)
        batches = sorted(set(failed.values_list("batch", flat=True)))
        retried = failed.update(status=D.QUEUED, email=None)
        if not retried:
            raise GroupsError("No delivery of this email has failed.")
        old = communication.status
        communication.status = C.SENDING
        communication.dispatched_at = timezone.now()
        communication.completed_at = None
        communication.save(update_fields=["status", "dispatched_at", "completed_at"])
        audit_record(
            actor=actor,
            action="groups.communication.retried",
            target=communication,
            old={"status": old},
            new={"status": C.SENDING, "deliveries": retried, "batches": batches},
        )
        _enqueue_batches(communication.pk, batches)
    return retried


# The staff request page acts on the request's current email; these find it and call the above.
def _current_id(request_id: int) -> int:
    communication = (
        Communication.objects.filter(request_id=request_id).exclude(status=C.CANCELLED).first()
    )
    if communication is None:
        raise GroupsError("This request has no email to act on.")
    return communication.pk


def request_email_cancel(*, actor: User, request_id: int) -> Communication:
    return communication_cancel(actor=actor, communication_id=_current_id(request_id))


def request_email_reschedule(
    *, actor: User, request_id: int, scheduled_for: datetime
) -> Communication:
    return communication_reschedule(
        actor=actor, communication_id=_current_id(request_id), scheduled_for=scheduled_for
    )


def request_email_retry(*, actor: User, request_id: int) -> int:
    return communication_retry_failed(actor=actor, communication_id=_current_id(request_id))

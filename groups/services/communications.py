"""Central sending (SPEC A5): one email per consenting member, in batches, never twice.

    scheduled -> sending (released by the dispatch sweep at ``release_at``) | cancelled
    sending -> sent (no delivery left queued);  sent -> sending (a retry of failed deliveries)

``communication_create`` snapshots the recipients as ``Delivery`` rows (one per recipient,
unique per communication) and, when due now, queues one task per batch. A request has at most
one communication that is not cancelled, so the corrected version of a request is a new
communication only once the old one was cancelled, and nobody gets one version twice.
``communication_send_batch`` locks the batch's queued rows and writes each email to the outbox
in the same transaction; a delivery is "sent" or "failed" only when the outbox says so
(``deliveries_sync``), never when the email was merely written. Consent is checked again at
send time: a member who unsubscribed since the snapshot is skipped. The sweep that releases
scheduled communications and resumes lost batches is ``groups.jobs.communication_dispatch_sweep``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alumni.api import verified_user_ids
from groups.errors import GroupsError
from groups.models import Communication, Delivery, GroupRequest, Membership
from groups.reports import sla_months_changed
from groups.services.rules import require_staff
from portal.audit import audit_record
from portal.mail import email_build, email_render, emails_save
from portal.models import OutboundEmail, User

UNSUBSCRIBE_SALT = "groups.unsubscribe"
_LINK = "PORTAL-UNSUBSCRIBE-LINK"  # stands for each recipient's link in the rendered mailing
R = GroupRequest.Status
C = Communication.Status
D = Delivery.Status
# A communication is composed for an accepted request, and goes out only while its request is
# still accepted; "sent" covers a retry of failed deliveries after the request went out.
COMPOSABLE_REQUEST_STATUSES = (R.IN_PROGRESS, R.SCHEDULED)
SENDABLE_REQUEST_STATUSES = (R.IN_PROGRESS, R.SCHEDULED, R.SENT)


def batch_size() -> int:
    return max(1, int(getattr(settings, "GROUPS_SEND_BATCH_SIZE", 200)))


def unsubscribe_token(membership_id: int) -> str:
    return signing.dumps(membership_id, salt=UNSUBSCRIBE_SALT, compress=True)


def membership_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(membership_id: int) -> str:
    path = reverse("groups:unsubscribe", args=[unsubscribe_token(membership_id)])
    return f"{settings.PORTAL_BASE_URL}{path}"


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
        recipients = list(
            Membership.objects.filter(
                group=req.group,
                left_at__isnull=True,
                email_consent=True,
                user__is_active=True,
                user_id__in=verified_user_ids(),  # a pending graduate receives no alumni mail
            )
            .order_by("user_id")
            .values_list("pk", "user_id")
        )
        if not recipients:
            raise GroupsError("No member of this group consents to its emails.", field="subject")
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
            recipient_count=len(recipients),
            batch_size=size,
            batch_count=(len(recipients) + size - 1) // size,
            release_at=release_at,
            dispatched_at=now if due else None,
        )
        Delivery.objects.bulk_create(
            [
                Delivery(
                    communication=communication,
                    membership_id=membership_id,
                    recipient_id=user_id,
                    batch=index // size,
                )
                for index, (membership_id, user_id) in enumerate(recipients)
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
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
    """
    sent = 0
    with transaction.atomic():
        communication = Communication.objects.select_related("request__group").get(
            pk=communication_id
        )
        req = communication.request
        if communication.status != C.SENDING or req.status not in SENDABLE_REQUEST_STATUSES:
            return 0
        pending = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(communication=communication, batch=batch, status=D.QUEUED, email__isnull=True)
            .select_related("recipient", "membership")
        )
        # The mailing is rendered once; each recipient's copy differs only by its link.
        body_text, body_html = email_render(
            "groups/email/communication",
            {
                "base_url": settings.PORTAL_BASE_URL,
                "communication": communication,
                "group": req.group,
                "unsubscribe": _LINK,
            },
        )
        written = []
        for delivery in pending:
            membership = delivery.membership
            if not (membership.consents and delivery.recipient.is_active):
                delivery.status = D.SKIPPED
                continue
            link = unsubscribe_url(membership.pk)
            delivery.email = email_build(
                to=delivery.recipient.email,
                subject=communication.subject,
                body_text=body_text.replace(_LINK, link),
                body_html=body_html.replace(_LINK, escape(link)),
                category="groups.communication",
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            written.append(delivery.email)
            delivery.attempts += 1
            sent += 1
        emails_save(written)
        Delivery.objects.bulk_update(pending, ["status", "email", "attempts"])
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

"""Central sending (SPEC A5): one email per consenting member, in batches, never twice.

``communication_create`` snapshots the recipients as ``Delivery`` rows (one per recipient,
unique per communication, inserted with ON CONFLICT DO NOTHING) and queues one task per batch.
``communication_send_batch`` locks the batch's pending rows, writes each email to the outbox
and marks the row sent in the same transaction, so a retried or duplicated batch task finds
nothing left to send. Consent is checked again at send time: a member who unsubscribed since
the snapshot is skipped. The sweep that releases scheduled communications and resumes lost
batches is ``groups.jobs.communication_dispatch_sweep``.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.errors import GroupsError
from groups.models import Communication, Delivery, GroupRequest, Membership
from groups.permissions import is_engagement_staff
from groups.services.requests import request_mark_sent
from portal.audit import audit_record
from portal.mail import email_queue
from portal.models import User

UNSUBSCRIBE_SALT = "groups.unsubscribe"


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


def communication_create(*, actor: User, request_id: int, subject: str, body: str) -> Communication:
    """Turn an accepted (in progress or scheduled) email request into a communication."""
    from groups.tasks import send_communication_batch
    from portal.queue import enqueue_on_commit

    if not is_engagement_staff(actor):
        raise GroupsError("Only the Alumni Engagement team can send communications.")
    with transaction.atomic():
        req = GroupRequest.objects.select_for_update().select_related("group").get(pk=request_id)
        if req.status not in (GroupRequest.Status.IN_PROGRESS, GroupRequest.Status.SCHEDULED):
            raise GroupsError("Only a request in progress or scheduled can be sent.")
        if not req.sends_email:
            raise GroupsError("This request is a public listing; it has no email audience.")
        if Communication.objects.filter(request=req).exists():
            raise GroupsError("This request's email has already been sent.")
        recipients = list(
            Membership.objects.filter(
                group=req.group, left_at__isnull=True, email_consent=True, user__is_active=True
            )
            .order_by("user_id")
            .values_list("pk", "user_id")
        )
        if not recipients:
            raise GroupsError("No member of this group consents to its emails.", field="subject")
        size = batch_size()
        now = timezone.now()
        # A request scheduled for later is composed now and released by the dispatch sweep.
        release_at = max(now, req.scheduled_for) if req.scheduled_for else now
        communication = Communication.objects.create(
            request=req,
            subject=subject,
            body=body,
            created_by=actor,
            recipient_count=len(recipients),
            batch_size=size,
            batch_count=(len(recipients) + size - 1) // size,
            release_at=release_at,
            dispatched_at=now if release_at <= now else None,
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
                "recipients": communication.recipient_count,
                "batches": communication.batch_count,
                "release_at": communication.release_at,
            },
        )
        if communication.dispatched_at is not None:
            for number in range(communication.batch_count):
                enqueue_on_commit(send_communication_batch, communication.pk, number)
    return communication


def communication_send_batch(*, communication_id: int, batch: int) -> int:
    """Send one batch; returns how many emails this call queued (0 on a repeat)."""
    sent = 0
    with transaction.atomic():
        communication = (
            Communication.objects.select_related("request__group").filter(pk=communication_id).get()
        )
        group = communication.request.group
        pending = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(communication=communication, batch=batch, status=Delivery.Status.PENDING)
            .select_related("recipient", "membership")
        )
        now = timezone.now()
        for delivery in pending:
            membership = delivery.membership
            if not (membership.consents and delivery.recipient.is_active):
                delivery.status = Delivery.Status.SKIPPED
                continue
            link = unsubscribe_url(membership.pk)
            email_queue(
                to=delivery.recipient.email,
                subject=communication.subject,
                template="groups/email/communication",
                context={"communication": communication, "group": group, "unsubscribe": link},
                category="groups.communication",
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            sent += 1
        Delivery.objects.bulk_update(pending, ["status", "sent_at"])
    communication_complete_if_done(communication_id=communication_id)
    return sent


def communication_complete_if_done(*, communication_id: int) -> bool:
    """When no delivery is pending, close the communication and mark its request sent."""
    with transaction.atomic():
        communication = Communication.objects.select_for_update().get(pk=communication_id)
        if communication.status == Communication.Status.SENT:
            return False
        if communication.deliveries.filter(status=Delivery.Status.PENDING).exists():
            return False
        communication.status = Communication.Status.SENT
        communication.completed_at = timezone.now()
        communication.save(update_fields=["status", "completed_at"])
        counts = {
            "sent": communication.deliveries.filter(status=Delivery.Status.SENT).count(),
            "skipped": communication.deliveries.filter(status=Delivery.Status.SKIPPED).count(),
        }
        audit_record(
            actor=None, action="groups.communication.completed", target=communication, new=counts
        )
        request_mark_sent(actor=None, request_id=communication.request_id)
    return True

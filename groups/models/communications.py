"""Central sending: communications of a request (one per send) and one delivery per recipient."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from groups.models.groups import Membership
from groups.models.requests import GroupRequest
from portal.models import OutboundContent, OutboundEmail


class Communication(models.Model):
    """One email sent centrally for a request, to the audience's consenting members.

    scheduled -> sending (released at ``release_at``) | cancelled;  sending -> sent.
    A request may have several (a cancelled one, then the corrected version); its current one
    is the newest not cancelled, and at most one is not cancelled (a partial unique index).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    # Before sending starts staff may still cancel or reschedule; afterwards it only finishes.
    NOT_STARTED: ClassVar = (Status.SCHEDULED,)
    IN_FLIGHT: ClassVar = (Status.SCHEDULED, Status.SENDING)

    request = models.ForeignKey(
        GroupRequest, on_delete=models.PROTECT, related_name="communications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    recipient_count = models.PositiveIntegerField(default=0)
    batch_size = models.PositiveIntegerField(default=200)
    batch_count = models.PositiveIntegerField(default=0)
    # Batches go to the broker from this moment (the request's scheduled time, or at once);
    # ``dispatched_at`` is when they last went, so the sweep can resume after a broker outage.
    release_at = models.DateTimeField(default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The mailing rendered once, when its first batch goes to the outbox; every copy uses it.
    content = models.ForeignKey(
        OutboundContent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["request"],
                condition=~models.Q(status="cancelled"),
                name="groups_one_live_communication_per_request",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    """Reads of delivery rows by their honest outcome: what the outbox did with each email.

    A queued row whose email the outbox has already sent or given up on counts as sent or
    failed even before the dispatch sweep copies the verdict onto it.
    """

    @staticmethod
    def outcome(status: str) -> models.Q:
        queued = models.Q(status=Delivery.Status.QUEUED)
        if status in (Delivery.Status.SENT, Delivery.Status.FAILED):
            return models.Q(status=status) | (queued & models.Q(email__status=status))
        if status == Delivery.Status.QUEUED:
            return queued & ~models.Q(
                email__status__in=[Delivery.Status.SENT, Delivery.Status.FAILED]
            )
        return models.Q(status=status)

    def counts_by_status(self) -> dict[str, int]:
        """How many rows have each outcome: a count, never who (one query)."""
        return self.aggregate(
            **{
                str(status): models.Count("pk", filter=self.outcome(status))
                for status in Delivery.Status.values
            }
        )

    def failed(self) -> DeliveryQuerySet:
        """Failed rows, with the outbox row whose ``last_error`` is the reason until synced."""
        return (
            self.filter(self.outcome(Delivery.Status.FAILED))
            .select_related("recipient", "email")
            .order_by("recipient__email")
        )


class Delivery(models.Model):
    """One recipient of one communication; the unique pair is what prevents double mailing.

    queued (waiting for its batch, or in the outbox) -> sent | failed (the outbox gave up,
    ``error`` says why) | skipped (consent withdrawn before its batch) | cancelled.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        SKIPPED = "skipped", "Skipped (consent withdrawn)"

    communication = models.ForeignKey(
        Communication, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    batch = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The outbox row written for it; empty until its batch runs (and again after a retry).
    email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True, help_text="Why the last attempt failed.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times handed to the outbox.")
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ("communication", "batch", "pk")
        verbose_name_plural = "deliveries"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["communication", "recipient"], name="groups_one_delivery_per_recipient"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["communication", "batch", "status"], name="groups_delivery_idx")
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"

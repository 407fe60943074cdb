"""Central sending: one communication per email request, one delivery per recipient."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from groups.models.groups import Membership
from groups.models.requests import GroupRequest


class Communication(models.Model):
    """One email sent centrally for a request, to the audience's consenting members."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    request = models.OneToOneField(
        GroupRequest, on_delete=models.PROTECT, related_name="communication"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    recipient_count = models.PositiveIntegerField(default=0)
    batch_size = models.PositiveIntegerField(default=200)
    batch_count = models.PositiveIntegerField(default=0)
    # Batches go to the broker from this moment (the request's scheduled time, or at once);
    # ``dispatched_at`` is when they last went, so the sweep can resume after a broker outage.
    release_at = models.DateTimeField(default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One recipient of one communication; the unique pair is what prevents double mailing."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (consent withdrawn)"

    communication = models.ForeignKey(
        Communication, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    batch = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)

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

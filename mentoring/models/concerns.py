"""Concerns about a programme (002 §6) and the scheme admins' follow-up notes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from mentoring.models.partnerships import Partnership
from mentoring.models.programmes import Programme


class Concern(models.Model):
    """A concern or query about a programme (002 §6). Only scheme admins ever read it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_FOLLOW_UP = "in_follow_up", "In follow-up"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    reporter = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("your concern or query", max_length=5000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Concern {self.pk} ({self.get_status_display()})"

    @property
    def status_for_reporter(self) -> str:
        """The status in the reporter's words (the only thing about a concern shown back)."""
        return REPORTER_STATUS_LABELS[self.status]


# What the person who reported a concern reads on their own status page.
REPORTER_STATUS_LABELS: dict[str, str] = {
    Concern.Status.NEW: "Received",
    Concern.Status.IN_FOLLOW_UP: "Being followed up",
    Concern.Status.CLOSED: "Closed",
}


class ConcernNote(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("follow-up note", max_length=5000)
    status_after = models.CharField(max_length=20, choices=Concern.Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"Note on concern {self.concern_id}"

"""Advice before posting (001 §4.8, §6.1.7, 004 §4.22): a member of staff asks comms."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from accounts_registry.models.registry import OfficialAccount


class AdviceRequest(models.Model):
    class Urgency(models.TextChoices):
        CRISIS = "crisis", "Crisis: answer within hours"
        NORMAL = "normal", "Normal: working-day clock"

    class State(models.TextChoices):
        OPEN = "open", "Waiting for comms"
        ANSWERED = "answered", "Answered"

    class Advice(models.TextChoices):
        POST_AS_IS = "as_is", "Post as is"
        POST_WITH_CHANGES = "changes", "Post with changes"
        DO_NOT_POST = "do_not_post", "Do not post"
        ESCALATE = "escalate", "Escalated"

    asker = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        OfficialAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="advice"
    )
    content = models.TextField(blank=True, help_text="The draft post or the questionable content.")
    link = models.URLField(max_length=500, blank=True)
    why_sensitive = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    line_manager_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    advice = models.CharField(max_length=15, choices=Advice.choices, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"Advice request #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at

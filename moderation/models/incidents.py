"""Incidents with their checklist, escalations to other teams, and removal requests."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .items import Item


class Incident(models.Model):
    """A reported breach or harassment case handled by comms (004 §6)."""

    class Kind(models.TextChoices):
        POLICY_BREACH = "policy_breach", "Breach of the social media policy (004 §6.1)"
        SECURITY_BREACH = "security_breach", "Account security breach (004 §4.18)"
        STAFF_HARASSMENT = "staff_harassment", "Harassment of staff (004 §4.11, §6.3)"

    class Severity(models.TextChoices):
        CRITICAL = "critical", "Critical"
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    # Working days from the report to the due time, per severity (the working-day clock).
    DUE_WORKING_DAYS: ClassVar[dict[str, int]] = {
        Severity.CRITICAL: 1,
        Severity.HIGH: 2,
        Severity.MEDIUM: 5,
        Severity.LOW: 10,
    }

    class State(models.TextChoices):
        REPORTED = "reported", "Reported"
        TRIAGED = "triaged", "Triaged"
        ESCALATED = "escalated", "Escalated"
        CLOSED = "closed", "Closed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField()
    channel = models.ForeignKey(
        "accounts_registry.OfficialAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REPORTED)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_to = models.CharField(max_length=200, blank=True)
    resolution = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member of comms staff responsible for the incident.",
    )
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="On the working-day clock, from the severity."
    )

    class Meta:
        ordering = ("-reported_at", "-id")
        indexes: ClassVar = [models.Index(fields=["state", "-reported_at"], name="moderation_inc")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.state != self.State.CLOSED
            and self.due_at is not None
            and self.due_at < timezone.now()
        )


class IncidentStep(models.Model):
    """One ticked step of a security-breach checklist: who did it and when."""

    class Step(models.TextChoices):
        LOG_OUT_ALL = "log_out_all", "Log all users out of the account (004 §4.18)"
        CHANGE_PASSWORDS = "change_passwords", "Change the passwords (001 §5.4, 004 §4.20)"
        REVIEW_ADMINS = "review_admins", "Review who has admin access (004 §4.1)"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("done_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["incident", "step"], name="moderation_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} ({self.incident_id})"


class Escalation(models.Model):
    """An item or incident handed to another team (student services, the police, senior
    management). It stays open until the receiving team's reply is recorded: who, when, outcome.
    """

    class Team(models.TextChoices):
        STUDENT_SERVICES = "student_services", "Student services"
        POLICE = "police", "The police"
        SENIOR_MANAGEMENT = "senior_management", "Senior management"
        OTHER = "other", "Another team"

    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="escalations"
    )
    team = models.CharField(max_length=20, choices=Team.choices)
    to_whom = models.CharField(max_length=200, help_text="Who it was escalated to.")
    address = models.EmailField(blank=True, help_text="Where the escalation was emailed.")
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(default=timezone.now)
    reply_due_at = models.DateTimeField(help_text="When a reply is chased (working-day clock).")
    comms_alert_at = models.DateTimeField(help_text="When comms are told no reply came.")
    reply_from = models.CharField(max_length=200, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("escalated_at", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, incident__isnull=True)
                | Q(item__isnull=True, incident__isnull=False),
                name="moderation_escalation_one_subject",
            )
        ]
        indexes: ClassVar = [
            models.Index(
                fields=["reply_due_at"],
                condition=Q(recorded_at__isnull=True),
                name="moderation_escalation_waiting",
            )
        ]

    def __str__(self) -> str:
        subject = f"item {self.item_id}" if self.item_id else f"incident {self.incident_id}"
        return f"Escalation of {subject} to {self.to_whom}"

    @property
    def is_waiting(self) -> bool:
        return self.recorded_at is None


class RemovalRequest(models.Model):
    """Comms asking the owner of some content to remove it by a deadline (004 §6.5)."""

    class State(models.TextChoices):
        SENT = "sent", "Sent, awaiting removal"
        CONFIRMED = "confirmed", "Removal confirmed by the owner"
        ESCALATED = "escalated", "Overdue, escalated to comms"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATES: ClassVar[tuple[str, ...]] = (State.SENT, State.ESCALATED)

    owner_name = models.CharField(max_length=150)
    owner_email = models.EmailField()
    content_url = models.URLField(max_length=500, blank=True)
    content_description = models.TextField()
    reason = models.TextField(help_text="Why it must go, citing the policy clause.")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="removal_requests"
    )
    deadline = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    owner_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("deadline", "id")
        indexes: ClassVar = [models.Index(fields=["state", "deadline"], name="moderation_rr_due")]

    def __str__(self) -> str:
        return f"Removal request to {self.owner_name}"

    @property
    def is_overdue(self) -> bool:
        return self.state in self.OPEN_STATES and self.deadline < timezone.now()

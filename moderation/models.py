"""Moderation data: items on official channels, policy categories, decisions, incidents.

Invariants the database itself keeps:

* one item per (channel, external id), so importing the same external post twice is one item;
* at most one *active* decision per item (reopening a decision deactivates it, keeping history);
* each security-breach checklist step is ticked at most once per incident.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Category(models.Model):
    """A kind of breach, tied to the policy clause it comes from (editable by comms)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    clause = models.CharField(max_length=120, help_text="Policy clause(s), e.g. '001 §4.7.4.1'.")
    description = models.TextField(blank=True)
    severity = models.PositiveSmallIntegerField(
        help_text="1 (low) to 5 (critical); drives queue priority."
    )
    rule_codes = models.JSONField(
        default=list,
        blank=True,
        help_text="Screening rule codes that suggest this category (portal.screening.RULES).",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("-severity", "name")
        verbose_name_plural = "categories"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="category_severity_1_5"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """A post or comment on an official channel, waiting for or carrying a decision."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        CSV = "csv", "CSV import"
        API = "api", "JSON endpoint"

    class State(models.TextChoices):
        NEW = "new", "New"
        CLAIMED = "claimed", "Claimed"
        DECIDED = "decided", "Decided"
        REOPENED = "reopened", "Reopened"
        ESCALATED = "escalated", "Escalated, awaiting the receiving team's reply"

    OPEN_STATES: ClassVar[tuple[str, ...]] = (State.NEW, State.CLAIMED, State.REOPENED)

    channel = models.ForeignKey(
        "accounts_registry.OfficialAccount", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField()
    author_handle = models.CharField(max_length=100, blank=True)
    link = models.URLField(max_length=500, blank=True)
    external_id = models.CharField(
        max_length=200, blank=True, help_text="The platform's id of the post, when known."
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    reporter_email = models.EmailField(
        blank=True, help_text="Who reported it, if not the person entering it."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    import_batch = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    priority = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-priority", "created_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="moderation_item_external_once",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["new", "claimed", "decided", "reopened", "escalated"]),
                name="moderation_item_state_valid",
            ),
        ]
        indexes: ClassVar = [
            # The queue: open items by priority, then oldest first.
            models.Index(
                fields=["-priority", "created_at", "id"],
                condition=Q(state__in=["new", "claimed", "reopened"]),
                name="moderation_item_open_queue",
            ),
            models.Index(fields=["-priority", "created_at", "id"], name="moderation_item_queue"),
            models.Index(
                fields=["channel", "-priority", "created_at", "id"], name="moderation_item_chan"
            ),
            models.Index(fields=["import_batch"], name="moderation_item_batch"),
        ]

    def __str__(self) -> str:
        return f"Item {self.pk} on {self.channel_id}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def suggested_categories(self) -> list[Category]:
        """Each suggested category once (an item can match one category several times)."""
        return list(dict.fromkeys(s.category for s in self.suggestions.all()))

    @property
    def excerpt(self) -> str:
        return self.text if len(self.text) <= 140 else self.text[:139] + "…"


class Suggestion(models.Model):
    """A category suggested by screening (or by the person entering the item), with evidence."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="suggestions")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField(max_length=40, blank=True, help_text="Blank if entered by hand.")
    label = models.CharField(max_length=200, blank=True)
    evidence = models.CharField(max_length=300, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("item", "start", "id")

    def __str__(self) -> str:
        return f"{self.category} on item {self.item_id}"


class Decision(models.Model):
    """The outcome for an item. One active decision per item; reopened ones stay as history."""

    class Outcome(models.TextChoices):
        KEEP = "keep", "Keep (accurate but negative content stays, 001 §6.1.1)"
        REMOVE = "remove", "Remove (001 §6.1.4-6.1.6)"
        BLOCK = "block", "Remove and block the author (001 §6.1.5)"
        ESCALATE_STUDENT_SERVICES = (
            "escalate_student_services",
            "Escalate to student services: duty of care (001 §6.1.11)",
        )
        ESCALATE_POLICE = "escalate_police", "Escalate to the police: illegal content (001 §8.1)"
        ESCALATE_SENIOR_MANAGEMENT = (
            "escalate_senior_management",
            "Escalate to senior management: reputation (004 §6.1)",
        )

    ESCALATIONS: ClassVar[dict[str, str]] = {
        Outcome.ESCALATE_STUDENT_SERVICES: "student_services",
        Outcome.ESCALATE_POLICE: "police",
        Outcome.ESCALATE_SENIOR_MANAGEMENT: "senior_management",
    }

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=40, choices=Outcome.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    reason = models.TextField(help_text="Internal reason (or the rationale for keeping it).")
    message_to_reporter = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-decided_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(active=True), name="moderation_one_active_decision"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["decided_at"], name="moderation_decided_at")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (item {self.item_id})"

    @property
    def escalated_to(self) -> str:
        return self.ESCALATIONS.get(self.outcome, "")


class ChannelToken(models.Model):
    """A revocable token for the JSON import endpoint of one channel. Only its hash is kept."""

    PREFIX_LENGTH = 12

    channel = models.ForeignKey(
        "accounts_registry.OfficialAccount", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'monitoring tool'.")
    prefix = models.CharField(max_length=PREFIX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(plain: str) -> str:
        return hashlib.sha256(plain.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


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

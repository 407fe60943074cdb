"""Items on official channels, the policy categories, screening suggestions, decisions and
the channels' import tokens."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from moderation.targets import UNFLAGGED_TARGET, Target, TargetUnit


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
    target_amount = models.PositiveSmallIntegerField(
        default=1, help_text="Response target: how many hours or working days to decide in."
    )
    target_unit = models.CharField(
        max_length=20,
        choices=TargetUnit.choices,
        default=TargetUnit.WORKING_DAYS,
        help_text="Round the clock for urgent categories; otherwise working time (Mon-Fri "
        "09:00-17:00, bank holidays off).",
    )

    class Meta:
        ordering = ("-severity", "name")
        verbose_name_plural = "categories"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="category_severity_1_5"
            ),
            models.CheckConstraint(
                condition=Q(target_amount__gte=1, target_amount__lte=1000),
                name="category_target_amount_1_1000",
            ),
            models.CheckConstraint(
                condition=Q(target_unit__in=["hours", "working_hours", "working_days"]),
                name="category_target_unit_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target(self) -> Target:
        return Target(amount=self.target_amount, unit=self.target_unit)


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
    # The response target (``moderation.targets``): taken from the most severe suggested
    # category on arrival, or the one a moderator sets; null for an unflagged item.
    target_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    alert_at = models.DateTimeField(
        null=True, blank=True, help_text="When comms are alerted if it is still undecided."
    )

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
            # The target sweep and the "past target" filter and sort: open items by due time.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(state__in=["new", "claimed", "reopened"]),
                name="moderation_item_open_due",
            ),
            models.Index(
                fields=["alert_at"],
                condition=Q(state__in=["new", "claimed", "reopened"]),
                name="moderation_item_open_alert",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.pk} on {self.channel_id}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def target(self) -> Target:
        category = self.target_category
        return category.target if category is not None else UNFLAGGED_TARGET

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

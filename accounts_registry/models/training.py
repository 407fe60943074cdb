"""Administrators who know the rules (001 §5.6, 004 §4.12-4.13, §4.19): training records, policy
acknowledgements per version, and the comms setting that makes training a precondition."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class TrainingRecord(models.Model):
    """One completed course or module of a member of staff; valid until ``expires_on``."""

    user = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    course = models.CharField(max_length=200, help_text="Course or module name.")
    completed_on = models.DateField()
    evidence = models.CharField(
        max_length=255, blank=True, help_text="Certificate number, LMS reference or link."
    )
    expires_on = models.DateField()
    recorded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)
    expiry_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-expires_on", "-id")
        indexes: ClassVar = [models.Index(fields=["user", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.course} ({self.user}, until {self.expires_on:%Y-%m-%d})"


class PolicyAcknowledgement(models.Model):
    """A member of staff read and understood one version of a policy (004 §4.13)."""

    user = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    policy = models.CharField(max_length=10)
    version = models.CharField(max_length=40)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("policy", "-acknowledged_at")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "policy", "version"], name="acknowledge_policy_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.policy} v{self.version}"


class GovernanceSettings(models.Model):
    """The comms settings of the registry: one row (``pk=1``), edited on the training page."""

    training_required = models.BooleanField(
        default=False,
        help_text="Current training is required before an account is activated or an "
        "administrator added.",
    )
    training_valid_days = models.PositiveIntegerField(
        default=365, help_text="How long a completed course counts."
    )
    updated_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "governance settings"

    def __str__(self) -> str:
        return "Registry governance settings"

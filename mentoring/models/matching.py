"""Matching: overrides (pin/forbid), runs and the pairs a run proposes (SPEC C4)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from mentoring.models.applications import MenteeApplication, MentorApplication
from mentoring.models.programmes import Programme


class MatchConstraint(models.Model):
    """A scheme admin's override for matching runs of a programme: pin or forbid a pair."""

    class Kind(models.TextChoices):
        PIN = "pin", "Pin (always pair)"
        FORBID = "forbid", "Forbid (never pair)"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="match_constraints"
    )
    mentee_application = models.ForeignKey(
        MenteeApplication, on_delete=models.CASCADE, related_name="+"
    )
    mentor_application = models.ForeignKey(
        MentorApplication, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("kind", "created_at")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["mentee_application", "mentor_application"], name="one_constraint_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.mentee_application.name} / " + (
            self.mentor_application.name
        )


class MatchRun(models.Model):
    """One proposal of the optimal assignment, reviewed and then confirmed by a scheme admin."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        SUPERSEDED = "superseded", "Superseded"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="match_runs")
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    total_score = models.FloatField(default=0.0)
    mentee_count = models.PositiveIntegerField(default=0)
    mentor_count = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(default=list, help_text="Mentee application ids left unmatched.")
    confirmed_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Match run {self.pk} for {self.programme} ({self.get_status_display()})"


class ProposedPair(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    mentee_application = models.ForeignKey(
        MenteeApplication, on_delete=models.CASCADE, related_name="+"
    )
    mentor_application = models.ForeignKey(
        MentorApplication, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField()
    explanation = models.JSONField(default=list, help_text="[{factor, points, reason}, ...]")
    pinned = models.BooleanField(default=False)

    class Meta:
        ordering = ("-score", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["run", "mentee_application"], name="one_pair_per_mentee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee_application.name} / {self.mentor_application.name} ({self.score:g})"

"""Confirmed partnerships and their life: meetings, unavailability, surveys."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentoring.models.applications import MenteeApplication, MentorApplication
from mentoring.models.matching import MatchRun
from mentoring.models.programmes import Programme


class Partnership(models.Model):
    """A confirmed mentor-mentee pair for the programme's duration (002 §2)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn by the mentee"
        ENDED = "ended", "Ended"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="partnerships")
    mentor_application = models.ForeignKey(
        MentorApplication, on_delete=models.PROTECT, related_name="partnerships"
    )
    mentee_application = models.ForeignKey(
        MenteeApplication, on_delete=models.PROTECT, related_name="partnerships"
    )
    match_run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="partnerships"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    email_frequency = models.CharField(
        "email frequency agreed at the first meeting", max_length=100, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, help_text="Seen by scheme admins only.")

    class Meta:
        ordering = ("-created_at", "-id")
        constraints: ClassVar = [
            # One live partnership per mentee; a withdrawn or ended one leaves room for none
            # in the same programme either, since the mentee's application is then spent.
            models.UniqueConstraint(
                fields=["mentee_application"], name="one_partnership_per_mentee"
            )
        ]

    def __str__(self) -> str:
        return f"Partnership {self.pk} in {self.programme}"

    def is_live(self, today: datetime.date) -> bool:
        """Active and within the programme: only then may partners see each other's details."""
        return self.status == self.Status.ACTIVE and not self.programme.has_ended(today)


class Meeting(models.Model):
    """One of the official meetings (002 §1b)."""

    class Mode(models.TextChoices):
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField("date of the meeting")
    mode = models.CharField(max_length=20, choices=Mode.choices)
    logged_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("partnership", "number")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["partnership", "number"], name="meeting_number_once")
        ]

    def __str__(self) -> str:
        return f"Meeting {self.number} on {self.held_on:%d %b %Y}"


class Unavailability(models.Model):
    """A mentor's period of more than a month without contact (002 §1d); the mentee is told."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="unavailabilities"
    )
    starts_on = models.DateField("unavailable from")
    ends_on = models.DateField("unavailable until")
    recorded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("starts_on",)
        verbose_name_plural = "unavailabilities"

    def __str__(self) -> str:
        return f"Unavailable {self.starts_on:%d %b} - {self.ends_on:%d %b %Y}"


class SurveyResponse(models.Model):
    """Feedback (002 §1e). Admins see aggregates; a partner never sees another's answers."""

    class Stage(models.TextChoices):
        MID = "mid", "Mid-programme"
        END = "end", "End of programme"

    class Side(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        MENTEE = "mentee", "Mentee"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_responses"
    )
    respondent = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    satisfaction = models.PositiveSmallIntegerField(
        "overall, how satisfied are you with the partnership?",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    usefulness = models.PositiveSmallIntegerField(
        "how useful have the meetings been?",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_recommend = models.BooleanField("would you recommend the programme?")
    comments = models.TextField(blank=True, max_length=3000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-submitted_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["partnership", "respondent", "stage"], name="one_survey_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} survey ({self.get_side_display()})"

"""Mentor and mentee applications (SPEC C2); fields a-h of 002 §4 are shareable."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentoring.models.programmes import SECTOR_LABELS, SUPPORT_LABELS, Programme, split_list


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MentorApplication(models.Model):
    """An alumnus volunteering as a mentor (SPEC C2). Fields a-h of 002 §4 are shareable."""

    COMMITMENTS: ClassVar[tuple[tuple[str, str], ...]] = (
        (
            "commit_guidelines",
            "a) I will abide by the guidelines provided for this support programme.",
        ),
        (
            "commit_meetings",
            "b) I will undertake three official meetings across the programme, by video call "
            "or in person.",
        ),
        (
            "commit_communication",
            "c) I will keep in touch with my mentee by email at a frequency we agree at our "
            "first meeting.",
        ),
        (
            "commit_unavailability",
            "d) I will tell my mentee if I expect to be unavailable for more than a month.",
        ),
        ("commit_feedback", "e) I will respond to occasional feedback surveys."),
        (
            "commit_policies",
            "f) I will follow the university's policies on safeguarding and privacy.",
        ),
    )

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="mentor_applications"
    )
    user = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="mentor_applications"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    courses = models.CharField(
        "course(s) studied", max_length=300, help_text="Separate several courses with commas."
    )
    graduation_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    country = models.CharField("current country of residence", max_length=100)
    job_role = models.CharField("current job role", max_length=150)
    sectors = models.JSONField(default=list, help_text="Employment sector codes.")
    bio = models.TextField("brief bio", max_length=1500, blank=True)
    share_bio = models.BooleanField("share my bio with my mentee", default=False)
    linkedin = models.URLField("LinkedIn profile", blank=True)
    share_linkedin = models.BooleanField("share my LinkedIn profile with my mentee", default=False)
    capacity = models.PositiveSmallIntegerField(
        "number of mentees I can take",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    commit_guidelines = models.BooleanField(default=False)
    commit_meetings = models.BooleanField(default=False)
    commit_communication = models.BooleanField(default=False)
    commit_unavailability = models.BooleanField(default=False)
    commit_feedback = models.BooleanField(default=False)
    commit_policies = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("programme", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["programme", "user"], name="mentor_once_per_programme"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=3), name="mentor_capacity_1_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (mentor, {self.programme})"

    @property
    def course_list(self) -> list[str]:
        return split_list(self.courses)

    @property
    def sector_labels(self) -> list[str]:
        return [SECTOR_LABELS.get(code, code) for code in self.sectors]


class MenteeApplication(models.Model):
    """A current student asking for a mentor (SPEC C3).

    Fields a-g of 002 §5 are shareable; ``preferred_countries``, ``meeting_mode`` and
    ``country`` are matching-only and never reach the mentor.
    """

    class MeetingMode(models.TextChoices):
        EITHER = "either", "Either video or in person"
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="mentee_applications"
    )
    user = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="mentee_applications"
    )
    name = models.CharField(max_length=150)
    university_email = models.EmailField()
    msc_programme = models.CharField("MSc programme", max_length=200)
    sectors = models.JSONField(default=list, help_text="Employment sectors of interest (codes).")
    support_areas = models.JSONField(default=list, help_text="Areas of support sought (codes).")
    linkedin = models.URLField("LinkedIn profile", blank=True)
    share_linkedin = models.BooleanField("share my LinkedIn profile with my mentor", default=False)
    bio = models.TextField("brief bio", max_length=1500, blank=True)
    share_bio = models.BooleanField("share my bio with my mentor", default=False)
    preferred_countries = models.CharField(
        "preferred mentor countries",
        max_length=300,
        blank=True,
        help_text="Matching only, never shared. Separate with commas; leave empty for any.",
    )
    meeting_mode = models.CharField(
        "preferred way of meeting",
        max_length=20,
        choices=MeetingMode.choices,
        default=MeetingMode.EITHER,
        help_text="Matching only, never shared.",
    )
    country = models.CharField(
        "country you live in during the programme",
        max_length=100,
        blank=True,
        help_text="Matching only (in-person meetings, working abroad), never shared.",
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("programme", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["programme", "user"], name="mentee_once_per_programme")
        ]

    def __str__(self) -> str:
        return f"{self.name} (mentee, {self.programme})"

    @property
    def sector_labels(self) -> list[str]:
        return [SECTOR_LABELS.get(code, code) for code in self.sectors]

    @property
    def support_labels(self) -> list[str]:
        return [SUPPORT_LABELS.get(code, code) for code in self.support_areas]

"""A mentoring programme (seed 002 §2) and the helpers its applications share."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mentoring.scoring import SECTORS, SUPPORT_AREAS

SECTOR_LABELS = dict(SECTORS)
SUPPORT_LABELS = dict(SUPPORT_AREAS)


def split_list(text: str) -> list[str]:
    """Free-text lists (courses, countries) are stored comma-separated; blanks are dropped."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class Programme(models.Model):
    """One mentoring programme, e.g. December 2025 to April 2026 (002 §2)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (not visible to applicants)"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200, unique=True)
    host_unit = models.ForeignKey(
        "portal.OrgUnit", on_delete=models.PROTECT, related_name="mentoring_programmes"
    )
    description = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The partnerships officially end on this day (002 §2).")
    applications_open = models.DateField()
    applications_close = models.DateField()
    official_meetings = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    concerns_email = models.EmailField(
        help_text="Where concerns, queries and withdrawals go (002 §1b, §6)."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-starts_on", "name")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="programme_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(applications_close__gte=models.F("applications_open")),
                name="programme_application_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepting_applications(self, today: datetime.date) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.applications_open <= today <= self.applications_close
        )

    def has_ended(self, today: datetime.date) -> bool:
        """After the end date the partnerships are over and partners' details are hidden."""
        return today > self.ends_on

    def is_running(self, today: datetime.date) -> bool:
        return self.starts_on <= today <= self.ends_on

    def meeting_due_dates(self) -> list[datetime.date]:
        """Official meeting k is expected by start + k/n of the programme (spread evenly)."""
        days = (self.ends_on - self.starts_on).days
        n = self.official_meetings
        return [self.starts_on + datetime.timedelta(days=days * k // n) for k in range(1, n + 1)]

    def midpoint(self) -> datetime.date:
        return self.starts_on + (self.ends_on - self.starts_on) / 2

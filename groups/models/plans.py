"""Annual plans: a group's objectives, monthly activities and communication plan for a year."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from groups.models.groups import AlumniGroup

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class AnnualPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    group = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField()
    objectives = models.TextField(max_length=4000, blank=True)
    activities = models.JSONField(
        default=dict, blank=True, help_text='Planned activities by month: {"1": "...", ...}'
    )
    communication_plan = models.TextField(max_length=4000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    reviewer_comments = models.TextField(max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-year", "group")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["group", "year"], name="groups_one_plan_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.group} plan {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED)

    def activities_by_month(self) -> list[tuple[str, str]]:
        return [(MONTHS[i - 1], self.activities.get(str(i), "")) for i in range(1, 13)]

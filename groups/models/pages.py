"""A committee's proposed changes to its group's public page, and the team's decision on them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from groups.models.groups import AlumniGroup


class PageChange(models.Model):
    """The description, place and links a committee proposes for its group's public page.

    The public page shows the last accepted one; at most one proposal per group waits at a time
    (a newer one replaces it).
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for the Alumni Engagement team"
        ACCEPTED = "accepted", "Accepted: on the public page"
        RETURNED = "returned", "Returned to the committee"
        REPLACED = "replaced", "Replaced by a later proposal"

    group = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE, related_name="page_changes")
    description = models.TextField(blank=True, max_length=4000)
    place = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=80, blank=True)
    links = models.TextField(blank=True, max_length=2000, help_text="One address per line.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ("-proposed_at", "-pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(status="proposed"),
                name="groups_one_waiting_page_change",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} page change of {self.proposed_at:%Y-%m-%d}"

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.PROPOSED

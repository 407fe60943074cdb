"""Groups, their committees, their members and the members' consent to emails."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

COMMITTEE_PERM = "groups.serve_on_committee"


class AlumniGroup(models.Model):
    class Kind(models.TextChoices):
        REGIONAL = "regional", "Regional"
        COUNTRY = "country", "Country"
        INTEREST = "interest", "Interest"
        PROGRAMME = "programme", "Programme"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DORMANT = "dormant", "Dormant"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    place = models.CharField(max_length=120, blank=True, help_text="City or region, if any.")
    country = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("name",)
        verbose_name = "alumni group"
        permissions: ClassVar = [
            ("serve_on_committee", "Serve on this alumni group's committee"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.CLOSED


class AlumniGroupUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key object permissions on groups (committee membership)."""

    content_object = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE)


class AlumniGroupGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE)


class CommitteeMembership(models.Model):
    """A seat on a group's committee; while open it carries the ``serve_on_committee`` perm."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        SECRETARY = "secretary", "Secretary"
        TREASURER = "treasurer", "Treasurer"
        COMMUNICATIONS = "communications", "Communications officer"
        MEMBER = "member", "Committee member"

    group = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE, related_name="committee")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("group", "started_at")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(ended_at__isnull=True),
                name="groups_one_open_committee_seat",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.group})"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class Membership(models.Model):
    """An alumnus in a group. ``email_consent`` is the current state; ``ConsentEvent`` the history."""

    group = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    email_consent = models.BooleanField(default=False)
    consent_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("group", "joined_at")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(left_at__isnull=True),
                name="groups_one_open_membership",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["group", "email_consent"], name="groups_member_consent_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def consents(self) -> bool:
        return self.is_active and self.email_consent


class ConsentEvent(models.Model):
    """Insert-only history of a member's consent to the group's emails."""

    class Source(models.TextChoices):
        PORTAL = "portal", "Portal page"
        UNSUBSCRIBE = "unsubscribe", "One-click unsubscribe"
        LEFT = "left", "Left the group"

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="consent_events"
    )
    given = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PORTAL)
    wording = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{'given' if self.given else 'withdrawn'} {self.at:%Y-%m-%d %H:%M}"


class MembershipChange(models.Model):
    """Insert-only feed of joins, departures and consent changes, read by the CRM by id cursor.

    Rows are written only by ``groups.services.groups`` and each writer holds a table lock from
    before its row takes an id until its transaction ends, so ids become visible in increasing
    order: a reader that has seen id N never later finds a new row below N (no gaps).
    """

    class Kind(models.TextChoices):
        JOINED = "joined", "Joined the group"
        LEFT = "left", "Left the group"
        CONSENT_GIVEN = "consent_given", "Consent to emails given"
        CONSENT_WITHDRAWN = "consent_withdrawn", "Consent to emails withdrawn"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=20, choices=ConsentEvent.Source.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

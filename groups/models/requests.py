"""Event and communication requests from committees, their clock pauses and message threads."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dateformat, timezone

from groups.models.groups import AlumniGroup

DEFAULT_EVENT_TIME_ZONE = "Europe/London"
# Offered in the request form; any other IANA name is accepted where a zone is typed (admin).
COMMON_EVENT_TIME_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Athens",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Accra",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "UTC",
)


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that this system's zone database knows."""
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Africa/Nairobi).")


class GroupRequest(models.Model):
    """An event or communication request from a committee (the seed's "short form")."""

    class Kind(models.TextChoices):
        EVENT_EMAIL = "event_email", "Event promotion email"
        NEWSLETTER = "newsletter", "Newsletter item"
        WEBSITE = "website", "Website listing"
        SOCIAL = "social", "Social media post"
        OTHER = "other", "Other"

    class Audience(models.TextChoices):
        MEMBERS = "members", "Members of the group who consent to its emails"
        PUBLIC = "public", "Public listing only (no email)"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        IN_PROGRESS = "in_progress", "In progress"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        DECLINED = "declined", "Declined"

    OPEN_STATUSES: ClassVar = (
        Status.SUBMITTED,
        Status.IN_PROGRESS,
        Status.CHANGES_REQUESTED,
        Status.SCHEDULED,
    )
    # The clock the team is working against: waiting on the team, not on the group.
    ON_TEAM_CLOCK: ClassVar = (Status.SUBMITTED, Status.IN_PROGRESS)

    group = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    content = models.TextField(max_length=5000)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.MEMBERS)
    preferred_date = models.DateField(null=True, blank=True)
    event_start = models.DateTimeField(null=True, blank=True)
    event_end = models.DateTimeField(null=True, blank=True)
    # The event's start and end are stored in UTC and mean wall-clock times in this zone.
    event_timezone = models.CharField(
        "Event time zone",
        max_length=64,
        default=DEFAULT_EVENT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="IANA name of the zone the event's times are given in, e.g. Africa/Nairobi.",
    )
    event_venue = models.CharField(max_length=200, blank=True)
    event_url = models.URLField(max_length=500, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decline_reason = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now, help_text="First submission.")
    due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Empty while the clock is paused."
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_hours = models.FloatField(
        null=True, blank=True, help_text="Working hours from submission to first response."
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    stage = models.PositiveSmallIntegerField(
        default=0, help_text="Number of resubmissions; SLA reminders go once per stage."
    )
    screening = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("due_at", "pk")
        indexes: ClassVar = [
            models.Index(fields=["status", "due_at"], name="groups_request_queue_idx"),
            models.Index(fields=["group", "status"], name="groups_request_group_idx"),
            models.Index(fields=["submitted_at"], name="groups_request_month_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_event(self) -> bool:
        return self.event_start is not None

    @property
    def event_zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.event_timezone or DEFAULT_EVENT_TIME_ZONE)
        except (ValueError, KeyError):
            return ZoneInfo(DEFAULT_EVENT_TIME_ZONE)

    @property
    def event_start_local(self) -> datetime | None:
        """The start as the event's own wall clock shows it."""
        return self.event_start.astimezone(self.event_zone) if self.event_start else None

    @property
    def event_end_local(self) -> datetime | None:
        return self.event_end.astimezone(self.event_zone) if self.event_end else None

    @property
    def event_when(self) -> str:
        """ "Saturday 12 Dec 2026, 18:30 to 21:00 (Africa/Nairobi)": the venue's clock, named."""
        start, end = self.event_start_local, self.event_end_local
        if start is None:
            return ""
        text = dateformat.format(start, "l j M Y, H:i")
        if end is not None:
            same_day = end.date() == start.date()
            text += " to " + dateformat.format(end, "H:i" if same_day else "l j M Y, H:i")
        return f"{text} ({self.event_zone.key})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def sends_email(self) -> bool:
        return self.audience == self.Audience.MEMBERS


class RequestPause(models.Model):
    """The clock stops while the request waits on the group for changes."""

    request = models.ForeignKey(GroupRequest, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("started_at",)

    def __str__(self) -> str:
        return f"pause {self.started_at:%Y-%m-%d %H:%M}"


class RequestMessage(models.Model):
    """The thread between the reviewer and the committee on one request."""

    request = models.ForeignKey(GroupRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField()
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"message on {self.request_id} at {self.created_at:%Y-%m-%d %H:%M}"

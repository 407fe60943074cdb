"""Accounts found in the wild by a monitoring tool (004 §4.1) and what comms decided on them.

One row per platform and normalised handle: a re-import updates what was seen (name, address,
followers, last seen) and never the decision. Reconciliation against the registry is kept in
``match``; only unmatched accounts wait in the triage queue.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from typing_extensions import override

from accounts_registry.models.registry import OfficialAccount, normalise_handle


class DiscoveredAccount(models.Model):
    class Source(models.TextChoices):
        CSV = "csv", "CSV export"
        API = "api", "Monitoring API"

    class Match(models.TextChoices):
        NONE = "none", "Not in the registry"
        OFFICIAL = "official", "Already an official account"
        CLOSED = "closed", "A closed official account"
        PENDING = "pending", "A request for it is in progress"

    class Decision(models.TextChoices):
        OFFICIAL_UNREGISTERED = "unregistered", "Official but unregistered"
        PERSONAL = "personal", "Personal or fan account"
        IMPERSONATION = "impersonation", "Unauthorised association or impersonation"
        UNRELATED = "unrelated", "Not related"

    platform = models.CharField(max_length=20, choices=OfficialAccount.Platform.choices)
    handle = models.CharField(max_length=100, help_text="Stored without '@', in lower case.")
    display_name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    followers = models.PositiveIntegerField(default=0)
    first_seen_on = models.DateField(null=True, blank=True)
    last_imported_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CSV)
    imported_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.NONE)
    account = models.ForeignKey(
        OfficialAccount,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discoveries",
    )
    request = models.ForeignKey(
        "accounts_registry.AccountRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discoveries",
    )
    decision = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    run_by_staff = models.BooleanField(
        default=False, help_text="A personal account of a member of staff (disclaimer due)."
    )
    invited_unit = models.ForeignKey(
        "portal.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invited_email = models.EmailField(blank=True)
    removal_request = models.ForeignKey(
        "moderation.RemovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ("-followers", "platform", "handle")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["platform", "handle"], name="discovered_platform_handle"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["match", "decision"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle} (found by monitoring)"

    @override
    def save(self, *args: Any, **kwargs: Any) -> None:
        self.handle = normalise_handle(self.handle)
        super().save(*args, **kwargs)

    @property
    def awaits_triage(self) -> bool:
        return self.match == self.Match.NONE and not self.decision


class MonitoringToken(models.Model):
    """A revocable token of one monitoring client for the JSON import endpoint (hash only)."""

    PREFIX_LENGTH = 12

    name = models.CharField(max_length=100, help_text="The client, e.g. 'Brandwatch export'.")
    prefix = models.CharField(max_length=PREFIX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(plain: str) -> str:
        return hashlib.sha256(plain.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

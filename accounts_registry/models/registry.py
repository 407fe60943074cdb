"""The registry proper: official accounts, requests with their decisions, the access log."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from typing_extensions import override


def normalise_handle(handle: str) -> str:
    """The form handles are stored and looked up in: trimmed, no leading '@', lower case."""
    return handle.strip().lstrip("@").strip().lower()


class OfficialAccount(models.Model):
    """An approved, university-affiliated account on one platform.

    Who administers it is the open rows of its access log (``AdminAssignment``), kept by the
    registry's services. The guardian permission ``administer_account`` and its tables remain
    in the schema but are no longer granted or read.
    """

    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X (Twitter)"
        LINKEDIN = "linkedin", "LinkedIn"
        YOUTUBE = "youtube", "YouTube"
        TIKTOK = "tiktok", "TikTok"
        BLUESKY = "bluesky", "Bluesky"
        THREADS = "threads", "Threads"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        FLAGGED = "flagged", "Flagged for deactivation"
        DEACTIVATED = "deactivated", "Deactivated"
        DELETED = "deleted", "Deleted"

    unit = models.ForeignKey("portal.OrgUnit", on_delete=models.PROTECT, related_name="accounts")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=100, help_text="Stored without '@', in lower case.")
    name = models.CharField(max_length=150)
    url = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    followers = models.PositiveIntegerField(
        default=0, help_text="Reach, used for moderation priority."
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Fields added by migration 0002 (the registry's lifecycle).
    contact_email = models.EmailField(blank=True, help_text="Generic mailbox the account uses.")
    centrally_managed = models.BooleanField(
        default=False, help_text="Run by Communications; locally managed accounts are audited."
    )
    last_activity_at = models.DateTimeField(
        null=True, blank=True, help_text="Latest post date or check-in the admins recorded."
    )
    inactivity_reminded_at = models.DateTimeField(null=True, blank=True)
    noncompliant_since = models.DateTimeField(
        null=True, blank=True, help_text="Set while the account has fewer than two admins."
    )
    flagged_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.CharField(max_length=255, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    guidelines_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an admin confirmed the posting guidelines are shown."
    )
    guidelines_confirmed_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    PUBLIC_STATUSES = (Status.ACTIVE, Status.FLAGGED)
    OPEN_STATUSES = PUBLIC_STATUSES

    class Meta:
        ordering = ("platform", "handle")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["platform", "handle"], name="account_platform_handle")
        ]
        permissions: ClassVar = [("administer_account", "Administer this official account")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"

    @override
    def save(self, *args: Any, **kwargs: Any) -> None:
        self.handle = normalise_handle(self.handle)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_compliant(self) -> bool:
        """Two or more current administrators (001 §5.2, 004 §4.21)."""
        return self.noncompliant_since is None


class OfficialAccountUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(OfficialAccount, on_delete=models.CASCADE)


class OfficialAccountGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(OfficialAccount, on_delete=models.CASCADE)


class AccountRequest(models.Model):
    """A unit's request to create an official account (B1), decided by two approvers (B3)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting decisions"
        APPROVED = "approved", "Approved, awaiting activation"
        REJECTED = "rejected", "Rejected"
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn by the requester"

    requester = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="account_requests"
    )
    unit = models.ForeignKey("portal.OrgUnit", on_delete=models.PROTECT, related_name="+")
    platform = models.CharField(max_length=20, choices=OfficialAccount.Platform.choices)
    proposed_name = models.CharField(max_length=150)
    proposed_handle = models.CharField(max_length=100)
    purpose = models.TextField(help_text="Why the account is needed.")
    audience = models.TextField(help_text="Who the account is for.")
    objectives = models.TextField(help_text="What the account should achieve (004 §4.14).")
    evaluation_plan = models.TextField(help_text="How you will judge it works (004 §4.12).")
    signoff_process = models.TextField(help_text="Who signs off posts before they go out.")
    contact_email = models.EmailField(help_text="Generic, shared mailbox (001 §5.2).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When it stopped pending: decided or withdrawn."
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    account = models.OneToOneField(
        OfficialAccount,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="origin_request",
    )

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Request #{self.pk}: {self.proposed_name}"

    def stage(self) -> str:
        """Where the request stands, in words (uses prefetched admins and decisions)."""
        if self.status != self.Status.PENDING:
            return self.get_status_display()
        waiting = [a for a in self.administrators.all() if a.acknowledged_at is None]
        if waiting:
            names = ", ".join(a.user.display_name for a in waiting)
            return f"Waiting for the policy acknowledgement of {names}"
        taken = {d.slot for d in self.decisions.all()}
        missing = [str(label) for slot, label in ApprovalDecision.Slot.choices if slot not in taken]
        return "Waiting for the decision of the " + " and the ".join(missing)


class RequestedAdministrator(models.Model):
    """A member of staff named as administrator; must acknowledge the policy themselves."""

    request = models.ForeignKey(
        AccountRequest, on_delete=models.CASCADE, related_name="administrators"
    )
    user = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "user"], name="request_admin_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.request}"


class InsertOnlyQuerySet(models.QuerySet["ApprovalDecision"]):
    @override
    def update(self, **kwargs: object) -> int:
        raise PermissionDenied("Approval decisions are insert-only.")

    @override
    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Approval decisions are insert-only.")


class ApprovalDecision(models.Model):
    """One approver's decision in one slot. Insert-only; the database allows one per slot and
    one per person, so two clicks can never produce two outcomes."""

    class Slot(models.TextChoices):
        UNIT = "unit", "Head of unit"
        MARCOMMS = "marcomms", "Director of Marketing and Communications"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"

    request = models.ForeignKey(AccountRequest, on_delete=models.PROTECT, related_name="decisions")
    slot = models.CharField(max_length=10, choices=Slot.choices)
    decided_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    objects = InsertOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("decided_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "slot"], name="decision_once_per_slot"),
            models.UniqueConstraint(
                fields=["request", "decided_by"], name="decision_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_slot_display()}: {self.get_decision_display()} ({self.request_id})"

    @override
    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("Approval decisions are insert-only.")
        super().save(*args, **kwargs)

    @override
    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Approval decisions are insert-only.")


class AdminAssignment(models.Model):
    """The access log (004 §4.1, §4.20): one row per period a person held admin rights."""

    account = models.ForeignKey(
        OfficialAccount, on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ("granted_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["account", "user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_open_assignment_per_admin",
            )
        ]
        indexes: ClassVar = [models.Index(fields=["account", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.account}"

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None


class Handover(models.Model):
    """An administrator leaving an account, with the replacement and the password change.

    The portal records only that the passwords were changed; it never stores a password.
    """

    account = models.ForeignKey(OfficialAccount, on_delete=models.CASCADE, related_name="handovers")
    leaving = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    replacement = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passwords_changed_confirmed = models.BooleanField()
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"Handover on {self.account} ({self.at:%Y-%m-%d})"


class ActivityRecord(models.Model):
    """Evidence that an account is in use: a last post date or a check-in (001 §5.4)."""

    class Kind(models.TextChoices):
        POST = "post", "Last post date"
        CHECK_IN = "check_in", "Check-in"

    account = models.ForeignKey(
        OfficialAccount, on_delete=models.CASCADE, related_name="activity_records"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    last_post_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-recorded_at", "-id")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.account}"


class AnnualAudit(models.Model):
    """The yearly review of a locally managed account (004 §4.3, §4.17)."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue"
        CLOSE = "close", "Close the account"

    account = models.ForeignKey(OfficialAccount, on_delete=models.CASCADE, related_name="audits")
    year = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    still_needed = models.BooleanField(null=True)
    activity_ok = models.BooleanField(null=True)
    admins_correct = models.BooleanField(null=True)
    passwords_changed = models.BooleanField(
        null=True, help_text="Passwords changed since the last change of staff."
    )
    two_factor_on = models.BooleanField(null=True)
    guidelines_displayed = models.BooleanField(
        null=True, help_text="The posting guidelines are displayed on the account (001 §6.1.8)."
    )
    incidents = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-year", "account_id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["account", "year"], name="one_audit_per_account_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} audit of {self.account}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.is_complete and (today or timezone.localdate()) > self.due_on

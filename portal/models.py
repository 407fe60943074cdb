"""Shared platform models: people, organisational units, the audit trail, reminders, outbox."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their email address; roles come from groups and object perms."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ("last_name", "first_name", "email")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class OrgUnit(models.Model):
    """A school, department, professional service or institute of the university."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        DEPARTMENT = "department", "Department"
        PROFESSIONAL_SERVICE = "service", "Professional service"
        INSTITUTE = "institute", "Institute"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ("name",)
        verbose_name = "organisational unit"
        permissions: ClassVar = [
            ("approve_account_requests", "Approve social media account requests for this unit"),
        ]

    def __str__(self) -> str:
        return self.name


class OrgUnitUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key object permissions on units (e.g. the unit approver)."""

    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)


class OrgUnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(OrgUnit, on_delete=models.CASCADE)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Audit events are insert-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit events are insert-only.")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )


class AuditEvent(models.Model):
    """One state change or one view of someone's personal data. Never updated, never deleted.

    PostgreSQL enforces this with a trigger as well (see migration 0002), so neither the ORM,
    the admin nor a stray SQL UPDATE can rewrite history.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    old = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        indexes: ClassVar = [models.Index(fields=["target_type", "target_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("Audit events are insert-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit events are insert-only.")


class Reminder(models.Model):
    """Proof that a reminder of one kind went out for one object in one period.

    The unique constraint is what makes every scheduled job idempotent: a second run finds the
    row and sends nothing.
    """

    kind = models.CharField(max_length=80, help_text="Namespaced by app: groups.sla.due_soon")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    period = models.CharField(max_length=40, help_text="e.g. 2026, 2026-11, 2026-11-21, stage")
    created_at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "period"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.target_type_id}:{self.target_id} ({self.period})"


class OutboundContent(models.Model):
    """A mailing rendered once and shared by every outbox row written for it.

    The subject, both bodies and the header values hold ``personal`` placeholders, replaced in
    each copy at delivery by the values of the named personaliser (``portal.mail``) for the
    copy's ``ref``: the text as it is, the HTML escaped. It holds nothing about a recipient.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    personaliser = models.CharField(max_length=80, blank=True, help_text="e.g. groups.unsubscribe")

    def __str__(self) -> str:
        return self.subject


class OutboundEmail(models.Model):
    """An email written in the same transaction as the change that caused it.

    A task delivers it; a periodic sweep retries what is still pending, so a broker outage
    delays mail but loses none. A copy of a mailing keeps its text in ``content`` and its
    personal parts come from ``ref`` (e.g. the membership whose unsubscribe link it carries).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    category = models.CharField(max_length=80, blank=True, help_text="e.g. groups.request.sent")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A delivering worker's lease: while it lies in the future nobody else sends this row.
    claimed_until = models.DateTimeField(null=True, blank=True)
    content = models.ForeignKey(
        OutboundContent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ref = models.BigIntegerField(null=True, blank=True, help_text="The sender's key for a copy.")

    MAX_ATTEMPTS = 5

    class Meta:
        ordering = ("-created_at",)
        indexes: ClassVar = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["content", "ref"], name="portal_outbox_copy_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to} ({self.status})"


class EmailReceipt(models.Model):
    """The SMTP server accepted this outbox email: written the moment it answered.

    A batch writes one receipt per accepted email (a two-column insert) and turns them into
    statuses with one update at its end; a worker killed in between leaves its receipts, and
    the next claim of the outbox marks those emails sent instead of sending them again.
    """

    email = models.OneToOneField(
        OutboundEmail, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"email {self.email_id} accepted at {self.accepted_at:%Y-%m-%d %H:%M:%S}"


class RoleGrant(models.Model):
    """Since when, and from whom, a person holds a site role or a unit approvership.

    The Django group (site roles) or the guardian permission (approverships) is what grants the
    right; this row is its provenance, written by ``portal.people`` in the same transaction. At
    most one open row exists per holding; ending it keeps the row as history.
    """

    UNIT_APPROVER = "Unit approver"

    user = models.ForeignKey("portal.User", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=150, help_text="A Role value, or 'Unit approver'.")
    # PROTECT: a unit whose approvers have a history is not deleted with that history.
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-granted_at", "-id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(models.Q(role="Unit approver") & models.Q(unit__isnull=False))
                | (~models.Q(role="Unit approver") & models.Q(unit__isnull=True)),
                name="rolegrant_unit_iff_approver",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(unit__isnull=True, ended_at__isnull=True),
                name="rolegrant_one_open_role",
            ),
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=models.Q(unit__isnull=False, ended_at__isnull=True),
                name="rolegrant_one_open_approvership",
            ),
        ]

    def __str__(self) -> str:
        held = f"{self.role} of {self.unit}" if self.unit_id else self.role
        return f"{self.user} holds {held}"


class DirectorDelegation(models.Model):
    """A named delegate who acts as marcomms director from ``starts_on`` to ``ends_on``.

    Both dates are inclusive (Europe/London). ``portal.permissions.roles_of`` counts the
    delegate as director only while today falls within them and ``ended_at`` is empty, so the
    delegation lapses by itself at midnight after ``ends_on`` with no scheduled job.
    """

    director = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        "portal.User", on_delete=models.CASCADE, related_name="delegations_held"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Set when ended early.")
    ended_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-starts_on", "-id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(director=models.F("delegate")),
                name="delegation_not_to_oneself",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["delegate", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.delegate} for {self.director}, {self.starts_on} to {self.ends_on}"

    def is_active_on(self, day: Any) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on

"""API clients of the CRM integration API: one token each, with scopes; only its hash is kept."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    """What a client may read beyond the public endpoints (groups, events, account lookup)."""

    CHANGES = "changes:read", "Membership and consent changes (people as portal ids)"
    PEOPLE = "people:read", "People's email and name in the changes feed"
    COMMITTEES = "committees:read", "Committee members' names and roles"
    ACCOUNTS = "accounts:read", "Directory of official accounts"


class ApiClient(models.Model):
    """A system (the alumni CRM) calling the API with ``Authorization: Bearer <token>``."""

    PREFIX_LENGTH = 12

    name = models.CharField(max_length=100, unique=True, help_text="The system, e.g. 'Alumni CRM'.")
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=PREFIX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "API client"
        indexes: ClassVar = [models.Index(fields=["token_hash"], name="integration_token_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(plain: str) -> str:
        return hashlib.sha256(plain.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [Scope(value).label for value in self.scopes if value in Scope.values]

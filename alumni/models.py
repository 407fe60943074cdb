"""Alumni records from the institution's CRM, and each graduate's verification against them.

A record is personal data kept as the CRM sent it, plus ``RecordKey`` rows: the normalised
family names (current and former), given names and emails that matching looks up by index.
A ``Verification`` is one per alumni account: pending until a record matches unambiguously or
staff decide; only ``verified`` opens groups, committees and mentoring.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def split_values(text: str) -> list[str]:
    """``"a; b;; c"`` -> ``["a", "b", "c"]``: how multi-valued record fields are stored."""
    return [part.strip() for part in text.split(";") if part.strip()]


class AlumniRecord(models.Model):
    record_id = models.CharField("CRM record id", max_length=64, unique=True)
    given_names = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    former_names = models.CharField(
        max_length=300, blank=True, help_text="Former family names, separated by ';'."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    programmes = models.CharField(max_length=500, help_text="Separated by ';'.")
    graduation_years = models.CharField(max_length=100, help_text="Separated by ';'.")
    emails = models.CharField(max_length=500, blank=True, help_text="Separated by ';'.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_names", "record_id"]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name} ({self.record_id})"

    @property
    def programme_list(self) -> list[str]:
        return split_values(self.programmes)

    @property
    def year_list(self) -> list[int]:
        return sorted({int(y) for y in split_values(self.graduation_years) if y.isdigit()})

    @property
    def email_list(self) -> list[str]:
        return split_values(self.emails)

    @property
    def former_name_list(self) -> list[str]:
        return split_values(self.former_names)

    @property
    def year_of_birth(self) -> int | None:
        if self.date_of_birth is not None:
            return self.date_of_birth.year
        return self.birth_year


class RecordKey(models.Model):
    """One normalised value a record is found by (rebuilt whenever the record changes)."""

    class Kind(models.TextChoices):
        FAMILY = "family", "Family name"
        GIVEN = "given", "Given name"
        EMAIL = "email", "Email"

    record = models.ForeignKey(AlumniRecord, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=254)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="alumni_key_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["record", "kind", "value"], name="alumni_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Verification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Not verified"

    class Method(models.TextChoices):
        NONE = "", "Not decided"
        RECORD_MATCH = "record_match", "Matched a record at once"
        EMAIL_MATCH = "email_match", "Email on file"
        STAFF_RECORD = "staff_record", "Staff, against a record"
        STAFF_EVIDENCE = "staff_evidence", "Staff, with evidence"
        SYSTEM = "system", "The system"

    class Origin(models.TextChoices):
        SIGNUP = "signup", "Sign-up"
        MIGRATION = "migration", "Existing account when verification began"
        SYSTEM = "system", "The system"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alumni_verification"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SIGNUP)
    # What the graduate typed (the record, once linked, is what the portal shows).
    given_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    former_name = models.CharField(max_length=150, blank=True)
    graduation_year = models.PositiveSmallIntegerField(null=True, blank=True)
    programme = models.CharField(max_length=200, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    record = models.ForeignKey(
        AlumniRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
    )
    method = models.CharField(max_length=20, choices=Method.choices, blank=True, default="")
    evidence = models.TextField(blank=True)
    reason = models.TextField("Reason told to the person", blank=True)
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="alumni_verif_queue")]
        constraints = [
            # One account per graduate: a record verifies at most one person.
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(record__isnull=False),
                name="alumni_record_verifies_one_account",
            )
        ]

    def __str__(self) -> str:
        return f"Verification of {self.user} ({self.status})"

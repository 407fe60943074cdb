"""Administrators' training and policy acknowledgements (001 §5.6, 004 §4.12-4.13, §4.19).

Each member of staff records the courses they completed (valid ``training_valid_days`` from the
completion date) and acknowledges the current version of each policy (``ACCOUNT_POLICIES``).
Comms decide in ``GovernanceSettings`` whether current training is required before an account
is activated or an administrator added; ``training_check`` is that gate. Expiry reminders and
flags are ``jobs.training_expiry_sweep``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts_registry.errors import AccountError
from accounts_registry.models import GovernanceSettings, PolicyAcknowledgement, TrainingRecord
from accounts_registry.permissions import is_comms, is_registry_staff
from portal.audit import audit_record
from portal.models import User

TRAINING_FIELDS = ("course", "completed_on", "evidence")
SETTINGS_FIELDS = ("training_required", "training_valid_days")
DEFAULT_POLICIES = {
    "001": ("Social media policy", "2024"),
    "004": ("Social media policy for employees", "2024"),
}


def policies() -> dict[str, tuple[str, str]]:
    """Policy code -> (title, current version) that administrators acknowledge."""
    return dict(getattr(settings, "ACCOUNT_POLICIES", DEFAULT_POLICIES))


def governance_settings() -> GovernanceSettings:
    return GovernanceSettings.objects.get_or_create(pk=1)[0]


def current_training(user_ids: Iterable[int], today: date | None = None) -> dict[int, date]:
    """Each user's latest unexpired training: user id -> expiry date (missing: none current)."""
    today = today or timezone.localdate()
    rows = TrainingRecord.objects.filter(user_id__in=list(user_ids), expires_on__gte=today)
    latest: dict[int, date] = {}
    for user_id, expires in rows.values_list("user_id", "expires_on"):
        latest[user_id] = max(expires, latest.get(user_id, expires))
    return latest


def training_check(users: Iterable[User], *, field: str = "administrators") -> None:
    """Refuse when comms require training and one of ``users`` has none current."""
    if not governance_settings().training_required:
        return
    users = list(users)
    current = current_training(user.pk for user in users)
    missing = [user.display_name for user in users if user.pk not in current]
    if missing:
        raise AccountError(
            "Social media training is required first (004 §4.12): no current training is "
            f"recorded for {', '.join(missing)}. They record it on their training page.",
            field=field,
        )


@transaction.atomic
def training_record(
    *, actor: User, course: str, completed_on: date, evidence: str = ""
) -> TrainingRecord:
    """A member of staff records a course they completed."""
    if not is_registry_staff(actor):
        raise AccountError("Only members of staff record training here.")
    if not course.strip():
        raise AccountError("Name the course or module.", field="course")
    if completed_on > timezone.localdate():
        raise AccountError("The completion date cannot be in the future.", field="completed_on")
    valid = governance_settings().training_valid_days
    expires_on = completed_on + timedelta(days=valid)
    if expires_on < timezone.localdate():
        raise AccountError(
            f"Training completed on {completed_on:%d %B %Y} has already expired "
            f"(valid {valid} days).",
            field="completed_on",
        )
    record = TrainingRecord.objects.create(
        user=actor,
        course=course.strip(),
        completed_on=completed_on,
        evidence=evidence.strip(),
        expires_on=expires_on,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="accounts_registry.training.recorded",
        target=record,
        new={"course": record.course, "completed_on": completed_on, "expires_on": expires_on},
    )
    return record


@transaction.atomic
def policy_acknowledge(*, actor: User, policy: str) -> PolicyAcknowledgement:
    """A member of staff acknowledges the current version of a policy (once per version)."""
    if not is_registry_staff(actor):
        raise AccountError("Only members of staff acknowledge policies here.")
    known = policies()
    if policy not in known:
        raise AccountError("Unknown policy.", field="policy")
    version = known[policy][1]
    made, created = PolicyAcknowledgement.objects.get_or_create(
        user=actor, policy=policy, version=version
    )
    if created:
        audit_record(
            actor=actor,
            action="accounts_registry.policy.acknowledged",
            target=made,
            new={"policy": policy, "version": version},
        )
    return made


@transaction.atomic
def governance_settings_update(
    *, actor: User, training_required: bool, training_valid_days: int
) -> GovernanceSettings:
    """Comms decide whether training is required and for how long it counts."""
    if not is_comms(actor):
        raise AccountError("Only comms staff change these settings.")
    if not 30 <= training_valid_days <= 1830:
        raise AccountError("Between 30 days and five years.", field="training_valid_days")
    current = governance_settings()
    row = GovernanceSettings.objects.select_for_update().get(pk=current.pk)
    old = {"training_required": row.training_required, "valid_days": row.training_valid_days}
    row.training_required, row.training_valid_days = training_required, training_valid_days
    row.updated_by, row.updated_at = actor, timezone.now()
    row.save()
    audit_record(
        actor=actor,
        action="accounts_registry.settings.updated",
        target=row,
        old=old,
        new={"training_required": training_required, "valid_days": training_valid_days},
    )
    return row

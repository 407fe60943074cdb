"""Policy categories: created and edited by comms staff, audited field by field.

A category's response target (``moderation.targets``) applies to items that arrive, or are
given the category, after the change; items already in the queue keep the due time they were
given (what was promised when they arrived).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from accounts_registry.api import is_comms
from moderation.errors import ModerationError
from moderation.models import Category
from moderation.targets import TargetUnit
from portal.audit import audit_record
from portal.models import User

# The fields comms edit (the form and the Django admin take their field lists from here).
CATEGORY_FIELDS = (
    "code",
    "name",
    "clause",
    "description",
    "severity",
    "rule_codes",
    "active",
    "target_amount",
    "target_unit",
)


def _check_target(values: Mapping[str, object]) -> None:
    amount = values.get("target_amount", 1)
    if not isinstance(amount, int | str) or not str(amount).isdigit():
        raise ModerationError("The response target is a whole number.", field="target_amount")
    if not 1 <= int(amount) <= 1000:
        raise ModerationError("The response target runs from 1 to 1000.", field="target_amount")
    if values.get("target_unit", TargetUnit.WORKING_DAYS) not in TargetUnit.values:
        raise ModerationError("Choose hours or working time for the target.", field="target_unit")


def category_save(
    *, actor: User, category_id: int | None, values: Mapping[str, object]
) -> Category:
    """Create (``category_id`` None) or update a policy category (comms only).

    ``values`` holds some or all of ``CATEGORY_FIELDS``; the audit event records the fields
    that changed (old and new), or every field of a new category.
    """
    if not is_comms(actor):
        raise ModerationError("Only comms staff edit the categories.")
    unknown = set(values) - set(CATEGORY_FIELDS)
    if unknown:
        raise ModerationError(f"Not a category field: {', '.join(sorted(unknown))}.")
    severity = values.get("severity", 3)
    if not isinstance(severity, int | str) or not 1 <= int(severity) <= 5:
        raise ModerationError("Severity runs from 1 to 5.", field="severity")
    _check_target(values)
    with transaction.atomic():
        old: dict[str, object] = {}
        if category_id is not None:
            try:
                category = Category.objects.select_for_update().get(pk=category_id)
            except Category.DoesNotExist as exc:
                raise ModerationError("This category no longer exists.") from exc
            old = {f: getattr(category, f) for f in values if getattr(category, f) != values[f]}
        else:
            category = Category(severity=3)
        for field, value in values.items():
            setattr(category, field, value)
        category.save()
        audit_record(
            actor=actor,
            action="moderation.category.updated" if old else "moderation.category.saved",
            target=category,
            old=old,
            new={f: getattr(category, f) for f in (old or CATEGORY_FIELDS)},
        )
    return category

"""The policy categories as first seeded, for re-seeding a database that lost them.

The data lives in migrations 0002 and 0005 (the single source); a test database flushed by a
transactional test, or a hand-emptied table, can be restored with ``ensure_default_categories``
without touching categories comms have since edited.
"""

from __future__ import annotations

import importlib

from .models import Category
from .targets import DEFAULT_TARGETS, TargetUnit

_SEED = importlib.import_module("moderation.migrations.0002_seed_categories")
_TARGETS = importlib.import_module("moderation.migrations.0006_response_targets_seed")


def ensure_default_categories() -> int:
    """Create any missing default category (by code); returns how many were created."""
    created = 0
    seeded = [*_SEED.CATEGORIES, *_TARGETS.NEW_CATEGORIES]
    for code, name, clause, severity, rules, description in seeded:
        amount, unit = DEFAULT_TARGETS.get(code, (1, TargetUnit.WORKING_DAYS))
        _category, made = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "clause": clause,
                "severity": severity,
                "rule_codes": rules,
                "description": description,
                "target_amount": amount,
                "target_unit": unit,
            },
        )
        created += made
    return created

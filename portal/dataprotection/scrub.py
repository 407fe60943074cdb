"""The last step of erasure: find an erased person's identifiers wherever they were copied.

Apps remove the personal fields they know about; this sweep then looks through every text
and JSON column of every table for the person's email addresses and names (and what the apps
returned, e.g. a name typed on an application) and replaces each occurrence with the
pseudonym. It is a scan of the whole database (one query per text column), which is fine for
an operation a data protection officer runs a few times a year.

The one deliberate exception to "audit events are insert-only": the labels and old/new values
of audit rows are rewritten here, inside the erasure's transaction, through the redaction
window of migration ``portal.0008`` (PostgreSQL: a transaction-local setting the trigger
checks; SQLite: the update trigger is dropped and re-created in the same transaction). The
rows, their ids, times, actions, actors and targets stay, so the audit count and chain do not
change. Approval decisions (also insert-only) are not rewritten: they are the approvers' own
records and hold no requester's details.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.db.models.functions import Cast

SQLITE_AUDIT_TRIGGER = (
    "CREATE TRIGGER portal_auditevent_no_update BEFORE UPDATE ON portal_auditevent\n"
    "BEGIN SELECT RAISE(ABORT, 'audit events are insert-only'); END;"
)
# Insert-only tables other than the audit trail, which erasure leaves as they are.
UNTOUCHED = {"accounts_registry.ApprovalDecision", "sessions.Session", "contenttypes.ContentType"}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)
MIN_NEEDLE = 4


@contextmanager
def audit_redaction_window() -> Iterator[None]:
    """Let this transaction rewrite personal text in audit rows (see the module docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('portal.audit_redaction', 'on', true)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('portal.audit_redaction', 'off', true)")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS portal_auditevent_no_update")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(SQLITE_AUDIT_TRIGGER)
    else:
        yield


def _pattern(needles: Iterable[str]) -> re.Pattern[str] | None:
    kept = sorted({n.strip() for n in needles if len(n.strip()) >= MIN_NEEDLE}, key=len)
    if not kept:
        return None
    return re.compile("|".join(re.escape(n) for n in reversed(kept)), re.IGNORECASE)


def _replace(value: Any, pattern: re.Pattern[str], pseudonym: str) -> Any:
    def sub(text: str) -> str:
        return pattern.sub(
            lambda m: f"{pseudonym}@erased.invalid" if "@" in m.group(0) else pseudonym, text
        )

    if isinstance(value, str):
        return sub(value)
    if isinstance(value, list):
        return [_replace(item, pattern, pseudonym) for item in value]
    if isinstance(value, dict):
        return {sub(k): _replace(v, pattern, pseudonym) for k, v in value.items()}
    return value


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS) and not f.primary_key
    ]


def scrub_everywhere(needles: Iterable[str], pseudonym: str) -> int:
    """Replace every occurrence of ``needles`` in every text column; returns the rows changed."""
    pattern = _pattern(needles)
    if pattern is None:
        return 0
    terms = sorted({n.strip() for n in needles if len(n.strip()) >= MIN_NEEDLE})
    changed = 0
    with audit_redaction_window():
        for model in apps.get_models():
            if model._meta.label in UNTOUCHED or model._meta.proxy or not model._meta.managed:
                continue
            for field in _text_fields(model):
                changed += _scrub_column(model, field, terms, pattern, pseudonym)
    return changed


def _scrub_column(
    model: type[models.Model],
    field: models.Field[Any, Any],
    terms: list[str],
    pattern: re.Pattern[str],
    pseudonym: str,
) -> int:
    query = models.Q()
    for term in terms:
        query |= models.Q(_scrub_text__icontains=term)
    manager = model._base_manager
    rows = (
        manager.annotate(_scrub_text=Cast(field.name, models.TextField()))
        .filter(query)
        .values_list("pk", field.name)
    )
    changed = 0
    for pk, value in rows:
        new = _replace(value, pattern, pseudonym)
        if new != value:
            models.QuerySet.update(manager.filter(pk=pk), **{field.name: new})
            changed += 1
    return changed

"""The alumni-records import: re-import updates by record id, never duplicates, all or nothing.

Every row is checked before anything is written; one bad row refuses the whole file with each
problem and its line. Accepted rows are upserted by ``record_id`` in one transaction, their
lookup keys rebuilt, and one audit event records the counts. Pending graduates are then tried
again against the new records (a migrated account whose email is on file is verified).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alumni.errors import AlumniError, RecordsImportError
from alumni.imports import COLUMNS, parse_csv
from alumni.matching import family_keys, given_keys
from alumni.models import AlumniRecord, RecordKey, Verification, split_values
from alumni.permissions import can_manage_records
from alumni.services.verification import verification_rematch
from portal.audit import audit_record
from portal.models import User

RECORD_FIELDS = tuple(c for c in COLUMNS if c != "record_id")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    verified: int


def record_keys(record: AlumniRecord) -> list[RecordKey]:
    family = family_keys([record.family_name, *record.former_name_list])
    emails = {e.casefold() for e in split_values(record.emails)}
    return [
        *(RecordKey(record=record, kind=RecordKey.Kind.FAMILY, value=v) for v in family),
        *(
            RecordKey(record=record, kind=RecordKey.Kind.GIVEN, value=v)
            for v in given_keys(record.given_names)
        ),
        *(RecordKey(record=record, kind=RecordKey.Kind.EMAIL, value=v[:254]) for v in emails),
    ]


def _values(record: AlumniRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RECORD_FIELDS}


def records_import(*, actor: User, text: str, source: str = "csv") -> ImportResult:
    """Import a CSV of records (see ``alumni.imports``); ``RecordsImportError`` lists problems."""
    if not can_manage_records(actor):
        raise AlumniError("Only the Alumni Engagement team imports alumni records.")
    max_rows = int(getattr(settings, "ALUMNI_IMPORT_MAX_ROWS", 20000))
    parsed = parse_csv(text, max_rows=max_rows, this_year=timezone.localdate().year)
    if parsed.problems:
        raise RecordsImportError(parsed.problems)
    created = updated = unchanged = 0
    with transaction.atomic():
        ids = [str(row["record_id"]) for row in parsed.rows]
        existing = {
            r.record_id: r
            for r in AlumniRecord.objects.select_for_update().filter(record_id__in=ids)
        }
        changed: list[AlumniRecord] = []
        for row in parsed.rows:
            record = existing.get(str(row["record_id"]))
            values = {k: v for k, v in row.items() if k != "record_id"}
            if record is None:
                record = AlumniRecord.objects.create(**row)
                created += 1
                changed.append(record)
            elif _values(record) != values:
                for name, value in values.items():
                    setattr(record, name, value)
                record.save(update_fields=[*values, "updated_at"])
                updated += 1
                changed.append(record)
            else:
                unchanged += 1
        RecordKey.objects.filter(record__in=changed).delete()
        RecordKey.objects.bulk_create([key for r in changed for key in record_keys(r)])
        audit_record(
            actor=actor,
            action="alumni.records.imported",
            new={
                "source": source,
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
            },
        )
    pending = Verification.objects.filter(status=Verification.Status.PENDING).values_list(
        "pk", flat=True
    )
    verified = verification_rematch(verification_ids=list(pending)) if changed else 0
    return ImportResult(created=created, updated=updated, unchanged=unchanged, verified=verified)

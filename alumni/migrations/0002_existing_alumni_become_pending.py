"""Existing alumni accounts: verified only if their email is on one record, pending otherwise.

Before verification existed, ticking "A graduate of the university" at sign-up was enough. Each
such account gets a ``Verification`` (origin "migration"): verified when exactly one alumni
record, not held by another account, has the account's email on file; pending otherwise, on
the 3-working-day clock. One audit event records the counts, and the verification queue shows
staff how many accounts became pending this way. Records imported later are tried against
the pending accounts again (``records_import``).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

ALUMNI_GROUP = "Alumni"


def forwards(apps: Any, schema_editor: Any) -> None:
    from portal.workdays import default_calendar

    User = apps.get_model("portal", "User")
    Verification = apps.get_model("alumni", "Verification")
    RecordKey = apps.get_model("alumni", "RecordKey")
    AuditEvent = apps.get_model("portal", "AuditEvent")
    now = timezone.now()
    due = default_calendar().add_working_days(now, 3)
    taken = set(
        Verification.objects.filter(record__isnull=False).values_list("record_id", flat=True)
    )
    counts = {"verified": 0, "pending": 0}
    people = (
        User.objects.filter(groups__name=ALUMNI_GROUP, alumni_verification__isnull=True)
        .distinct()
        .order_by("pk")
    )
    for user in people.iterator():
        records = set(
            RecordKey.objects.filter(kind="email", value=user.email.casefold()).values_list(
                "record_id", flat=True
            )
        )
        record_id = next(iter(records)) if len(records) == 1 else None
        if record_id is not None and record_id not in taken:
            taken.add(record_id)
            Verification.objects.create(
                user=user,
                status="verified",
                origin="migration",
                method="email_match",
                record_id=record_id,
                requested_at=now,
                decided_at=now,
                given_names=user.first_name,
                family_name=user.last_name,
            )
            counts["verified"] += 1
        else:
            Verification.objects.create(
                user=user,
                status="pending",
                origin="migration",
                requested_at=now,
                due_at=due,
                given_names=user.first_name,
                family_name=user.last_name,
            )
            counts["pending"] += 1
    if counts["verified"] or counts["pending"]:
        AuditEvent.objects.create(
            actor_label="system",
            action="alumni.verification.migrated",
            new=counts,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("alumni", "0001_records_and_verification"),
        ("portal", "0006_role_grant_unit_protect"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

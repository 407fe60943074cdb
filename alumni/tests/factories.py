"""Factories for the alumni tests: records reach the database through the import service."""

from __future__ import annotations

from typing import Any

from alumni.models import AlumniRecord, Verification
from alumni.services.records import records_import
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

HEADER = (
    "record_id,given_names,family_name,former_names,date_of_birth,birth_year,"
    "programmes,graduation_years,emails"
)


def csv_of(*rows: dict[str, Any]) -> str:
    lines = [HEADER]
    for row in rows:
        lines.append(",".join(str(row.get(c, "")) for c in HEADER.split(",")))
    return "\n".join(lines) + "\n"


_counter = [0]


def make_record(staff: User | None = None, **fields: Any) -> AlumniRecord:
    """One record imported by engagement staff (defaults: Ada Lovelace, MSc Economics, 2015)."""
    _counter[0] += 1
    row = {
        "record_id": f"R-{_counter[0]:05d}",
        "given_names": "Ada",
        "family_name": "Lovelace",
        "birth_year": 1990,
        "programmes": "MSc Economics",
        "graduation_years": 2015,
        **fields,
    }
    records_import(actor=staff or make_user(Role.ENGAGEMENT_STAFF), text=csv_of(row))
    return AlumniRecord.objects.get(record_id=row["record_id"])


def make_pending(**kwargs: Any) -> User:
    """An alumnus whose graduate status is pending (signed up, matched no record)."""
    from alumni.matching import Details
    from alumni.services.verification import verification_start

    user = make_user(Role.ALUMNUS, graduate_verified=False, **kwargs)
    verification_start(
        user_id=user.pk,
        details=Details(
            given_names=user.first_name,
            family_name=user.last_name,
            graduation_year=2001,
            programme="MSc Nothing On File",
            birth_year=1970,
        ),
    )
    return user


def verification_of(user: User) -> Verification:
    return Verification.objects.get(user=user)

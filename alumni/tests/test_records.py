"""The records import: idempotent re-import by record id, per-row errors, all or nothing."""

from __future__ import annotations

import pytest

from alumni.errors import AlumniError, RecordsImportError
from alumni.models import AlumniRecord, RecordKey
from alumni.services.records import records_import
from alumni.tests.factories import csv_of
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

ADA = {
    "record_id": "R-1",
    "given_names": "Ada",
    "family_name": "Lovelace",
    "former_names": "Byron",
    "date_of_birth": "1990-12-10",
    "programmes": "MSc Economics;BSc Mathematics",
    "graduation_years": "2012;2015",
    "emails": "Ada@Example.org",
}
GRACE = {
    "record_id": "R-2",
    "given_names": "Grace",
    "family_name": "Hopper",
    "birth_year": "1991",
    "programmes": "MSc Computing",
    "graduation_years": "2016",
}


def test_import_creates_records_with_their_lookup_keys_and_audits() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    result = records_import(actor=staff, text=csv_of(ADA, GRACE))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    ada = AlumniRecord.objects.get(record_id="R-1")
    assert ada.year_list == [2012, 2015]
    assert ada.programme_list == ["MSc Economics", "BSc Mathematics"]
    assert ada.year_of_birth == 1990 and ada.emails == "ada@example.org"
    keys = set(RecordKey.objects.filter(record=ada).values_list("kind", "value"))
    assert keys == {
        ("family", "lovelace"),
        ("family", "byron"),
        ("given", "ada"),
        ("email", "ada@example.org"),
    }
    event = AuditEvent.objects.get(action="alumni.records.imported")
    assert event.actor == staff and event.new["created"] == 2


def test_reimport_updates_by_record_id_and_never_duplicates() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    records_import(actor=staff, text=csv_of(ADA, GRACE))
    again = records_import(actor=staff, text=csv_of(ADA, GRACE))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = records_import(actor=staff, text=csv_of({**ADA, "family_name": "King"}, GRACE))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert AlumniRecord.objects.count() == 2
    ada = AlumniRecord.objects.get(record_id="R-1")
    assert ada.family_name == "King"
    family = set(
        RecordKey.objects.filter(record=ada, kind="family").values_list("value", flat=True)
    )
    assert family == {"king", "byron"}  # the old key went with the old name


def test_bad_rows_are_reported_with_their_line_and_nothing_is_imported() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    text = csv_of(
        ADA,
        {**GRACE, "graduation_years": "next year"},
        {
            "record_id": "R-3",
            "given_names": "",
            "family_name": "X",
            "programmes": "P",
            "graduation_years": "2000",
        },
        {**ADA, "emails": "not-an-email"},
    )
    with pytest.raises(RecordsImportError) as caught:
        records_import(actor=staff, text=text)
    lines = {line for line, _message in caught.value.problems}
    assert lines == {3, 4, 5}
    messages = " ".join(m for _l, m in caught.value.problems)
    assert "graduation_years" in messages and "given_names is required" in messages
    assert "already on line 2" in messages and "not an email" in messages
    assert not AlumniRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="alumni.records.imported").exists()


def test_a_wrong_header_is_refused() -> None:
    with pytest.raises(RecordsImportError) as caught:
        records_import(
            actor=make_user(Role.ENGAGEMENT_STAFF), text="record_id,surname\nR-1,Lovelace\n"
        )
    assert caught.value.problems[0][0] == 1
    assert "missing" in caught.value.problems[0][1] and "surname" in caught.value.problems[0][1]


@pytest.mark.parametrize("role", [Role.ALUMNUS, Role.COMMS_STAFF, Role.SCHEME_ADMIN])
def test_only_the_engagement_team_imports(role: Role) -> None:
    with pytest.raises(AlumniError):
        records_import(actor=make_user(role), text=csv_of(ADA))
    assert not AlumniRecord.objects.exists()

"""The alumni app's part of subject access and erasure (``alumni.api``, found by the registry)."""

from __future__ import annotations

import json

import pytest

from alumni.models import Verification
from alumni.tests.factories import make_pending, verification_of
from portal.dataprotection.erasure import person_erase
from portal.dataprotection.export import export_json, personal_data_of
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_export_holds_the_details_given_for_verification() -> None:
    person = make_pending(first_name="Zebedee", last_name="Quillfeather")
    text = export_json(personal_data_of(person))
    assert "MSc Nothing On File" in text and "Quillfeather" in text
    assert json.loads(text)  # valid JSON


def test_erasure_removes_the_typed_details_and_keeps_the_status() -> None:
    person = make_pending(first_name="Zebedee", last_name="Quillfeather")
    status = verification_of(person).status
    person_erase(actor=make_user(Role.DATA_PROTECTION_OFFICER), person_id=person.pk)
    verification = Verification.objects.get(user_id=person.pk)
    assert verification.status == status
    assert "Quillfeather" not in (verification.family_name + verification.given_names)
    assert verification.programme == "" and verification.birth_year is None

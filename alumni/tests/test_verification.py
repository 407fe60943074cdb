"""The staff queue's decisions: audited, told to the person, right state and actor only."""

from __future__ import annotations

import pytest

from alumni.errors import AlumniError
from alumni.matching import Details
from alumni.models import Verification
from alumni.services.records import records_import
from alumni.services.verification import (
    verification_reject,
    verification_resubmit,
    verification_verify_with_evidence,
    verification_verify_with_record,
)
from alumni.tests.factories import csv_of, make_pending, make_record, verification_of
from portal.models import AuditEvent, OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_staff_verify_against_a_record_audited_and_told() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    person = make_pending()
    record = make_record()
    verification = verification_verify_with_record(
        actor=staff, verification_id=verification_of(person).pk, record_id=record.pk
    )
    assert (verification.status, verification.record, verification.decided_by) == (
        Verification.Status.VERIFIED,
        record,
        staff,
    )
    event = AuditEvent.objects.for_object(verification).get(action="alumni.verification.verified")
    assert event.actor == staff and event.old["status"] == "pending"
    assert event.new["method"] == Verification.Method.STAFF_RECORD
    assert OutboundEmail.objects.filter(to=person.email, subject__icontains="verified").exists()


def test_staff_verify_with_evidence_needs_a_note() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    verification = verification_of(make_pending())
    with pytest.raises(AlumniError):
        verification_verify_with_evidence(
            actor=staff, verification_id=verification.pk, evidence=" "
        )
    done = verification_verify_with_evidence(
        actor=staff, verification_id=verification.pk, evidence="Certificate seen"
    )
    assert done.status == Verification.Status.VERIFIED and done.evidence == "Certificate seen"


def test_reject_tells_the_reason_and_the_person_may_try_again() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    person = make_pending()
    verification = verification_reject(
        actor=staff, verification_id=verification_of(person).pk, reason="No such degree."
    )
    assert verification.status == Verification.Status.REJECTED
    email = OutboundEmail.objects.get(to=person.email)
    assert "No such degree." in email.body_text
    assert AuditEvent.objects.for_object(verification).get(
        action="alumni.verification.rejected"
    ).new == {"status": "rejected", "reason": "No such degree."}
    record = make_record(given_names=person.first_name, family_name=person.last_name)
    again = verification_resubmit(
        actor=person,
        details=Details(
            given_names=person.first_name,
            family_name=person.last_name,
            graduation_year=2015,
            programme="Economics",
            birth_year=1990,
        ),
    )
    assert again.status == Verification.Status.VERIFIED and again.record == record


def test_decisions_refuse_a_decided_verification_and_the_wrong_actor() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    verification = verification_of(make_pending())
    for outsider in (make_user(Role.COMMS_STAFF), make_user(Role.ALUMNUS)):
        with pytest.raises(AlumniError):
            verification_reject(actor=outsider, verification_id=verification.pk, reason="x")
    verification_reject(actor=staff, verification_id=verification.pk, reason="No.")
    with pytest.raises(AlumniError, match="already been decided"):
        verification_verify_with_evidence(
            actor=staff, verification_id=verification.pk, evidence="seen"
        )


def test_staff_cannot_decide_their_own_verification() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF, Role.ALUMNUS, graduate_verified=False)
    verification = verification_of(make_pending())
    own = Verification.objects.create(user=staff, requested_at=verification.requested_at)
    with pytest.raises(AlumniError):
        verification_verify_with_evidence(actor=staff, verification_id=own.pk, evidence="me")


def test_a_record_already_verifying_someone_cannot_verify_another() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    record = make_record()
    first, second = make_pending(), make_pending()
    verification_verify_with_record(
        actor=staff, verification_id=verification_of(first).pk, record_id=record.pk
    )
    with pytest.raises(AlumniError, match="another account"):
        verification_verify_with_record(
            actor=staff, verification_id=verification_of(second).pk, record_id=record.pk
        )
    assert verification_of(second).status == Verification.Status.PENDING


def test_an_import_verifies_pending_graduates_whose_email_is_now_on_file() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    person = make_pending(email="late@example.org")
    row = {
        "record_id": "R-9",
        "given_names": "X",
        "family_name": "Y",
        "programmes": "MBA",
        "graduation_years": "2001",
        "emails": "late@example.org",
    }
    result = records_import(actor=staff, text=csv_of(row))
    assert result.verified == 1
    assert verification_of(person).status == Verification.Status.VERIFIED
    assert verification_of(person).record is not None

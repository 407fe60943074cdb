"""Matching at sign-up: exact, tolerant, ambiguous and absent; email on file; one account each."""

from __future__ import annotations

import pytest

from alumni.matching import Details, normalise, programmes_match
from alumni.models import Verification
from alumni.services.verification import verification_start
from alumni.tests.factories import make_record
from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _signup(details: Details, email: str = "") -> Verification:
    kwargs = {"email": email} if email else {}
    user: User = make_user(Role.ALUMNUS, graduate_verified=False, **kwargs)
    return verification_start(user_id=user.pk, details=details)


ADA = Details(
    given_names="Ada",
    family_name="Lovelace",
    graduation_year=2015,
    programme="MSc Economics",
    birth_year=1990,
)


def test_normalise_folds_case_accents_hyphens_and_spaces() -> None:
    assert normalise("Zoë Ó Briain-Keane") == normalise("zoe obriainkeane") == "zoeobriainkeane"
    assert programmes_match("economics", ["MSc Economics"])
    assert programmes_match("Political Economy", ["MSc Political Economy of Europe"])
    assert not programmes_match("MSc Economics", ["MSc Chemistry", "BA History"])
    assert not programmes_match("", ["MSc Economics"])


def test_exact_match_verifies_at_once_and_links_the_record() -> None:
    record = make_record()
    verification = _signup(ADA)
    assert verification.status == Verification.Status.VERIFIED
    assert verification.record == record
    assert verification.method == Verification.Method.RECORD_MATCH
    event = AuditEvent.objects.for_object(verification).get(action="alumni.verification.verified")
    assert event.actor == verification.user


def test_tolerant_of_case_accents_hyphens_and_programme_wording() -> None:
    record = make_record(
        given_names="Zoë Anne", family_name="Ó Briain-Keane", programmes="MSc Social Policy"
    )
    typed = Details(
        given_names="zoe",
        family_name="O'BRIAIN KEANE",
        graduation_year=2015,
        programme="social policy",
        birth_year=1990,
    )
    assert _signup(typed).record == record


def test_a_former_name_typed_at_sign_up_matches_the_record_under_it() -> None:
    record = make_record(family_name="Byron")
    typed = Details(**{**ADA.__dict__, "family_name": "King", "former_name": "Byron"})
    assert _signup(typed).record == record


def test_signing_up_under_the_name_the_record_keeps_as_former_matches() -> None:
    record = make_record(family_name="King", former_names="Byron")
    typed = Details(**{**ADA.__dict__, "family_name": "Byron"})
    assert _signup(typed).record == record


def test_ambiguous_details_stay_pending() -> None:
    make_record()
    make_record()  # a second Ada Lovelace, same year and programme
    verification = _signup(ADA)
    assert verification.status == Verification.Status.PENDING
    assert verification.record is None
    assert verification.due_at is not None


@pytest.mark.parametrize(
    "change",
    [
        {"graduation_year": 2016},
        {"birth_year": 1991},
        {"programme": "MSc Chemistry"},
        {"family_name": "Lovelock"},
        {"given_names": "Adele"},
    ],
)
def test_one_wrong_detail_leaves_it_pending(change: dict[str, object]) -> None:
    make_record()
    verification = _signup(Details(**{**ADA.__dict__, **change}))
    assert verification.status == Verification.Status.PENDING
    assert (
        AuditEvent.objects.for_object(verification)
        .filter(action="alumni.verification.requested")
        .exists()
    )


def test_no_record_at_all_is_pending() -> None:
    assert _signup(ADA).status == Verification.Status.PENDING


def test_an_email_on_file_matches_directly() -> None:
    record = make_record(emails="ada.l@example.org")
    verification = _signup(Details(given_names="A", family_name="L"), email="Ada.L@example.org")
    assert verification.record == record
    assert verification.method == Verification.Method.EMAIL_MATCH


def test_a_record_verifies_one_account_only() -> None:
    make_record()
    assert _signup(ADA).status == Verification.Status.VERIFIED
    second = _signup(ADA)  # someone else typing the same details
    assert second.status == Verification.Status.PENDING and second.record is None

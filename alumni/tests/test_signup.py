"""Verification at sign-up, without enumeration; and the migration of existing accounts."""

from __future__ import annotations

import importlib
import re
import time

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.apps import apps
from django.test import Client
from django.urls import reverse

from alumni.models import Verification
from alumni.tests.factories import make_pending, make_record
from portal.models import AuditEvent, User
from portal.permissions import has_role
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _signup(client: Client, email: str, **details: str) -> object:
    data = {
        "email": email,
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "first_name": "Ada",
        "last_name": "King",
        "relationship": "alumnus",
        "former_name": "Lovelace",
        "graduation_year": "2015",
        "programme": "Economics",
        "birth_year": "1990",
        **details,
    }
    return client.post(reverse("account_signup"), data)


def test_a_graduate_who_matches_is_verified_at_sign_up_with_their_former_name(
    client: Client,
) -> None:
    record = make_record()  # Ada Lovelace, MSc Economics 2015, born 1990
    response = _signup(client, "ada@example.org")
    assert response.status_code == 302  # type: ignore[attr-defined]
    user = User.objects.get(email="ada@example.org")
    assert has_role(user, Role.ALUMNUS)
    verification = Verification.objects.get(user=user)
    # Nothing is matched until she confirms her address ...
    assert verification.status == Verification.Status.PENDING and verification.record is None
    # ... through the emailed link: then her details match the record.
    _confirm(client, "ada@example.org")
    verification.refresh_from_db()
    assert verification.status == Verification.Status.VERIFIED and verification.record == record


def test_an_unconfirmed_sign_up_cannot_hold_a_graduates_record(client: Client) -> None:
    """Someone signing up with a graduate's address (or details) and never confirming it claims
    nothing: the graduate who confirms their own address is matched."""
    record = make_record(emails="ada.lovelace@example.org")
    _signup(client, "ada.lovelace@example.org")  # the squatter never confirms
    squatter = User.objects.get(email="ada.lovelace@example.org")
    assert Verification.objects.get(user=squatter).record is None
    client.logout()
    _signup(client, "ada@example.org")  # the graduate, with her details
    _confirm(client, "ada@example.org")
    verification = Verification.objects.get(user__email="ada@example.org")
    assert verification.status == Verification.Status.VERIFIED and verification.record == record
    assert Verification.objects.get(user=squatter).status == Verification.Status.PENDING


def _confirm(client: Client, email: str) -> None:
    address = EmailAddress.objects.get(email=email)
    response = client.post(
        reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    )
    assert response.status_code == 302
    assert EmailAddress.objects.get(email=email).verified


def test_graduates_must_give_the_details_records_are_matched_on(client: Client) -> None:
    response = _signup(client, "ada@example.org", graduation_year="", birth_year="")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert b"Graduates give this so we can find their record." in response.content  # type: ignore[attr-defined]
    assert not User.objects.filter(email="ada@example.org").exists()


def test_sign_up_answers_alike_whether_or_not_a_record_exists(client: Client) -> None:
    """A record already verifying someone, a near miss, and no record: the same answer."""
    make_record()
    make_record(family_name="Taken", former_names="", emails="")
    taken_owner = make_pending()
    from alumni.services.verification import verification_verify_with_record

    verification_verify_with_record(
        actor=make_user(Role.ENGAGEMENT_STAFF),
        verification_id=Verification.objects.get(user=taken_owner).pk,
        record_id=make_record(family_name="Claimed").pk,
    )
    answers = []
    timings = []
    for n, details in enumerate(
        [
            {"last_name": "Claimed", "former_name": ""},  # a record that exists, already held
            {"birth_year": "1991"},  # a record that exists, one detail off
            {"last_name": "Nobody", "former_name": ""},  # no record at all
        ]
    ):
        start = time.perf_counter()
        response = Client().post(
            reverse("account_signup"),
            {
                "email": f"probe{n}@example.org",
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
                "first_name": "Ada",
                "last_name": "King",
                "relationship": "alumnus",
                "former_name": "Lovelace",
                "graduation_year": "2015",
                "programme": "Economics",
                "birth_year": "1990",
                **details,
            },
        )
        timings.append(time.perf_counter() - start)
        answers.append((response.status_code, response["Location"]))
    assert len(set(answers)) == 1
    assert max(timings) < 5 * min(timings) + 0.2  # no path does markedly more work
    statuses = set(
        Verification.objects.filter(user__email__startswith="probe").values_list(
            "status", flat=True
        )
    )
    assert statuses == {Verification.Status.PENDING}


def _alert(page: str) -> str:
    found = re.search(r'<div class="alert alert-\w+" role="status">(.*?)</div>', page, re.DOTALL)
    assert found is not None
    return found.group(1)


def test_the_verification_page_answers_alike_for_a_near_miss_and_no_record() -> None:
    make_record()
    person = make_pending()
    client = Client()
    client.force_login(person)
    url = reverse("alumni:verification")
    near = {
        "given_names": "Ada",
        "family_name": "Lovelace",
        "graduation_year": "2015",
        "programme": "Economics",
        "birth_year": "1989",
    }
    absent = {**near, "family_name": "Nobody"}
    first = client.post(url, near)
    second = client.post(url, absent)
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    page = client.get(url).content.decode()
    assert "pending verification" in _alert(page)
    client.post(url, near)
    assert _alert(client.get(url).content.decode()) == _alert(page)


def test_the_verification_form_is_rate_limited(settings: object) -> None:
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "alumni_verification": "2/h"}  # type: ignore[attr-defined]
    person = make_pending()
    client = Client()
    client.force_login(person)
    url = reverse("alumni:verification")
    data = {
        "given_names": "A",
        "family_name": "B",
        "graduation_year": "2015",
        "programme": "X",
        "birth_year": "1989",
    }
    assert [client.post(url, data).status_code for _ in range(3)] == [302, 302, 429]


def test_existing_alumni_become_pending_unless_their_email_is_on_one_record() -> None:
    migration = importlib.import_module("alumni.migrations.0002_existing_alumni_become_pending")
    on_file = make_user(Role.ALUMNUS, graduate_verified=False, email="kept@example.org")
    unknown = make_user(Role.ALUMNUS, graduate_verified=False, email="unknown@example.org")
    already = make_user(Role.ALUMNUS)  # verified before: left alone
    student = make_user(Role.STUDENT)
    record = make_record(emails="kept@example.org")
    Verification.objects.filter(user__in=[on_file, unknown]).delete()
    migration.forwards(apps, None)
    kept = Verification.objects.get(user=on_file)
    assert (kept.status, kept.record, kept.origin) == ("verified", record, "migration")
    left = Verification.objects.get(user=unknown)
    assert (left.status, left.origin) == ("pending", "migration") and left.due_at is not None
    assert Verification.objects.get(user=already).origin == Verification.Origin.SYSTEM
    assert not Verification.objects.filter(user=student).exists()
    event = AuditEvent.objects.get(action="alumni.verification.migrated")
    assert event.new == {"verified": 1, "pending": 1}
    migration.forwards(apps, None)  # a second run changes nothing
    assert AuditEvent.objects.filter(action="alumni.verification.migrated").count() == 1
    staff_client = Client()
    staff_client.force_login(make_user(Role.ENGAGEMENT_STAFF))
    page = staff_client.get(reverse("alumni:queue")).content.decode()
    assert "2 existing alumni accounts were checked" in page
    assert "1 of them is still pending" in page

"""Sign-up, email verification, sign-in, password reset and staff two-factor."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from portal.models import OutboundEmail, User
from portal.permissions import has_role
from portal.roles import Role
from portal.tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _delivered_links(outbox_index: int = -1) -> list[str]:
    return re.findall(r"https?://\S+", str(mail.outbox[outbox_index].body))


def test_alumnus_signs_up_verifies_email_and_gets_the_alumnus_role(
    client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Graduate@Example.com",
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "relationship": "alumnus",
                "graduation_year": "2015",
                "programme": "MSc Economics",
                "birth_year": "1990",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="graduate@example.com")
    assert has_role(user, Role.ALUMNUS) and not has_role(user, Role.STUDENT)
    assert user.get_full_name() == "Ada Lovelace"
    assert not EmailAddress.objects.get(user=user).verified
    # The verification email went through the outbox, and its link verifies the address.
    assert OutboundEmail.objects.filter(to="graduate@example.com", status="sent").exists()
    confirm = next(link for link in _delivered_links() if "/confirm-email/" in link)
    path = (
        confirm.split("testserver", 1)[-1]
        if "testserver" in confirm
        else re.sub(r"https?://[^/]+", "", confirm)
    )
    client.post(path)
    assert EmailAddress.objects.get(user=user).verified


def test_unverified_user_cannot_sign_in(client) -> None:
    make_user(Role.ALUMNUS, email="pending@example.com", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "pending@example.com", "password": TEST_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_student_must_use_the_university_address(client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "student@gmail.example",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "first_name": "Sam",
            "last_name": "Student",
            "relationship": "student",
        },
    )
    assert response.status_code == 200
    assert b"university address" in response.content
    assert not User.objects.filter(email="student@gmail.example").exists()


def test_verified_alumnus_signs_in_with_email_and_reaches_dashboard(client) -> None:
    make_user(Role.ALUMNUS, email="ada@example.com")
    response = client.post(
        reverse("account_login"), {"login": "ADA@example.com", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_wrong_password_is_refused_and_rate_limited(client) -> None:
    make_user(Role.ALUMNUS, email="ada@example.com")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "ada@example.com", "password": "nope"})
    response = client.post(
        reverse("account_login"), {"login": "ada@example.com", "password": TEST_PASSWORD}
    )
    # allauth's limiter refuses even the right password after too many failures.
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_password_reset_by_email(client, django_capture_on_commit_callbacks) -> None:
    user = make_user(Role.ALUMNUS, email="forgetful@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    link = next(link for link in _delivered_links() if "/password/reset/key/" in link)
    path = re.sub(r"https?://[^/]+", "", link)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    client.post(
        form_url, {"password1": "brand-new-passphrase-9", "password2": "brand-new-passphrase-9"}
    )
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase-9")


def test_staff_without_two_factor_cannot_reach_staff_pages(client) -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF, totp=False)
    client.force_login(staff)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Enrolment itself stays reachable (after allauth asks for the password again).
    assert client.get(reverse("mfa_activate_totp"), follow=True).status_code == 200


def test_staff_with_two_factor_reach_staff_pages(client) -> None:
    client.force_login(make_user(Role.ENGAGEMENT_STAFF))
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_staff_sign_in_asks_for_the_authenticator_code(client) -> None:
    make_user(Role.COMMS_STAFF, email="comms@example.ac.uk")
    response = client.post(
        reverse("account_login"), {"login": "comms@example.ac.uk", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_alumni_do_not_need_two_factor(client) -> None:
    client.force_login(make_user(Role.ALUMNUS))
    assert client.get(reverse("portal:dashboard")).status_code == 200

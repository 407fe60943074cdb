"""The portal's own edges: two-factor on every staff path, the admin's sign-in, sessions, headers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from portal.roles import Role
from portal.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_user
from portal.twofactor import totp_current_code

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/dashboard/",
    "/reminders/",
    "/groups/staff/queue/",
    "/social/directory/",
    "/moderation/",
    "/mentoring/",
    "/people/",
    "/admin/",
    "/admin/portal/user/",
]


def _superuser():
    return make_user(Role.STAFF, is_staff=True, is_superuser=True, email="root@example.ac.uk")


def _sign_in_with_code(client: Client, email: str) -> None:
    """The real allauth flow: password, then the authenticator code."""
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_current_code(TEST_TOTP_SECRET)}
    )
    assert response.status_code == 302, response.content[:500]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_password_only_session_reaches_no_staff_page_not_even_as_superuser(path: str) -> None:
    client = Client()
    client.force_login_password_only(_superuser())  # type: ignore[attr-defined]
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # The session was ended, not merely redirected: the next request is anonymous.
    assert "_auth_user_id" not in client.session


def test_admin_login_is_the_portals_sign_in() -> None:
    client = Client()
    response = client.get("/admin/login/?next=/admin/portal/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/portal/user/"
    # The stock admin form is gone: a password posted to it makes no session.
    client.post("/admin/login/", {"username": "root@example.ac.uk", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_admin_login_refuses_an_offsite_next() -> None:
    response = Client().get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == reverse("account_login") + "?next=/admin/"


def test_superuser_reaches_the_admin_only_after_the_code() -> None:
    user = _superuser()
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session  # waiting for the code
    assert client.get("/admin/").status_code == 302
    _sign_in_with_code_second_step(client)
    assert client.get("/admin/").status_code == 200


def _sign_in_with_code_second_step(client: Client) -> None:
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_current_code(TEST_TOTP_SECRET)}
    )
    assert response.status_code == 302


def test_session_key_is_rotated_at_sign_in_with_the_second_factor() -> None:
    user = make_user(Role.COMMS_STAFF, email="comms@example.ac.uk")
    client = Client()
    client.get(reverse("account_login"))
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    before = client.session.session_key
    _sign_in_with_code_second_step(client)
    assert client.session.session_key != before
    assert client.get("/social/directory/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth records enrolment in an on_commit hook
def test_enrolment_offers_recovery_codes_and_counts_as_the_second_factor() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF, totp=False, email="new.staff@example.ac.uk")
    client = Client()
    client.force_login(staff)
    assert client.get("/groups/staff/queue/")["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before enrolment.
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    key_before = client.session.session_key
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_current_code(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert len(codes.context["unused_codes"]) == 10
    assert client.session.session_key != key_before
    assert client.get("/groups/staff/queue/").status_code == 200


# --- Session lifetime -------------------------------------------------------------------------

START = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def test_staff_session_ends_after_30_idle_minutes_but_not_while_in_use() -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff)
        for _ in range(4):  # active every 20 minutes: never idle for 30
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/groups/staff/queue/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/groups/staff/queue/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_alumnus_session_survives_an_idle_hour_and_ends_after_twelve_hours() -> None:
    alumnus = make_user(Role.ALUMNUS)
    client = Client()
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(alumnus)
        traveller.shift(dt.timedelta(hours=1))
        assert client.get("/dashboard/").status_code == 200
        for _ in range(11):  # in use every hour, yet the absolute limit holds
            traveller.shift(dt.timedelta(hours=1, minutes=1))
            response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_session_cookie_lifetime_is_at_most_twelve_hours(settings) -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.PORTAL_STAFF_IDLE_SECONDS <= 30 * 60


# --- Headers ----------------------------------------------------------------------------------


def test_every_page_carries_csp_permissions_policy_and_the_old_headers() -> None:
    response = Client().get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"

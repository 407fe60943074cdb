"""Browser journey through the platform: sign in (with two-factor for staff), dashboard."""

from __future__ import annotations

import pytest

from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_alumnus_signs_in_and_reaches_the_dashboard(page, sign_in, axe_check) -> None:
    user = make_user(Role.ALUMNUS, email="amara@example.com", first_name="Amara")
    page.goto("/")
    axe_check(page)
    page.goto("/accounts/login/")
    axe_check(page)
    sign_in(page, user)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Amara " + user.last_name
    axe_check(page)


def test_staff_sign_in_asks_for_two_factor_then_shows_the_dashboard(
    page, sign_in, axe_check
) -> None:
    staff = make_user(Role.COMMS_STAFF, email="nadia@example.ac.uk")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign In").click()
    assert page.get_by_text("not correct").count() > 0
    sign_in(page, staff)
    assert "/dashboard/" in page.url
    axe_check(page)
    page.get_by_role("link", name="Reminders").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reminders sent"
    axe_check(page)


def test_signup_page_is_accessible(page, axe_check) -> None:
    page.goto("/accounts/signup/")
    assert page.get_by_label("First name").count() == 1
    axe_check(page)


def _no_horizontal_overflow(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_person_exports_their_data_and_a_dpo_erases_someone(page, sign_in, axe_check) -> None:
    from portal.tests.dataprotection_fixtures import SENTINELS, make_subject

    subject = make_subject()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, subject.person)
    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():  # the phone menu is folded
        toggler.click()
    page.get_by_role("link", name="My data").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "My data"
    assert page.get_by_text("Partnership in").count() == 1  # an obligation, listed
    axe_check(page)
    assert _no_horizontal_overflow(page)
    page.get_by_role("link", name="View my data").click()
    assert page.get_by_text(SENTINELS["concern"]).count() == 1
    axe_check(page)
    assert _no_horizontal_overflow(page)
    page.context.clear_cookies()

    dpo = make_user(Role.DATA_PROTECTION_OFFICER, email="imogen@example.ac.uk")
    sign_in(page, dpo)
    page.goto("/data-protection/")
    page.get_by_label("Email address or name").fill("zabriskie")
    page.get_by_role("button", name="Find").click()
    axe_check(page)
    page.get_by_role("link", name=subject.person.display_name).click()
    axe_check(page)
    assert _no_horizontal_overflow(page)
    page.get_by_role("button", name="Erase this person's personal data").click()
    assert page.get_by_text("Tick the box").count() == 1
    page.get_by_label("I understand that erasure cannot be undone.").check()
    page.get_by_role("button", name="Erase this person's personal data").click()
    assert page.get_by_text("have been erased").count() >= 1
    axe_check(page)
    page.goto("/data-protection/retention/")
    axe_check(page)
    assert _no_horizontal_overflow(page)

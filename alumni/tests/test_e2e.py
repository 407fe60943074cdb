"""Browser journey: a graduate signs up with a former name and is verified at once; another
signs up with no record, is pending and cannot join a group, is verified by staff, then joins.
axe-core checks every page; the alumni pages do not overflow a 390 px phone screen."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC

from alumni.models import Verification
from alumni.tests.factories import make_record
from groups.models import Membership
from groups.tests.factories import make_group
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

PASSWORD = "a-long-unusual-passphrase"


def _sign_up(page: Any, email: str, first: str, last: str, former: str, year: str) -> None:
    page.context.clear_cookies()  # signed out: allauth sends signed-in visitors away
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_first_name").fill(first)
    page.locator("#id_last_name").fill(last)
    page.get_by_label("A graduate of the university").check()
    page.locator("#id_former_name").fill(former)
    page.locator("#id_graduation_year").fill(year)
    page.locator("#id_programme").fill("Economics")
    page.locator("#id_birth_year").fill("1990")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    # The emailed link (its delivery is tested in portal/tests/test_sign_in.py) confirms the
    # address; only then are the details matched against the records.
    key = EmailConfirmationHMAC(EmailAddress.objects.get(email=email)).key
    page.goto(f"/accounts/confirm-email/{key}/")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()


def _narrow_fits(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def _switch(page: Any, sign_in: Any, user: User, password: str | None = None) -> None:
    page.context.clear_cookies()
    remaining = 30 - time.time() % 30
    if remaining < 8:  # a TOTP code typed at the end of its step may be refused
        time.sleep(remaining + 0.5)
    if password is None:
        sign_in(page, user)
    else:
        sign_in(page, user, password)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_verification_journey(page: Any, sign_in: Any, axe_check: Any) -> None:
    make_record(given_names="Ada", family_name="Lovelace", graduation_years="2015")
    group = make_group(name="Alumni Group of Kenya", slug="kenya")
    staff = make_user(Role.ENGAGEMENT_STAFF)

    # 1. Signs up under her married name, giving the name she graduated with: verified as soon
    #    as she confirms her address.
    page.goto("/accounts/signup/")
    axe_check(page)
    _sign_up(page, "ada@example.org", "Ada", "King", "Lovelace", "2015")
    ada = User.objects.get(email="ada@example.org")
    _switch(page, sign_in, ada, PASSWORD)
    page.goto("/alumni/verification/")
    axe_check(page)
    assert "You are a verified graduate" in page.inner_text("main")
    _narrow_fits(page)

    # 2. Signs up with no record: pending, told what happens next, cannot join a group.
    _sign_up(page, "noor@example.org", "Noor", "Aziz", "", "2019")
    noor = User.objects.get(email="noor@example.org")
    assert Verification.objects.get(user=noor).status == Verification.Status.PENDING
    _switch(page, sign_in, noor, PASSWORD)
    axe_check(page)  # the dashboard, with the verification panel
    page.goto("/alumni/verification/")
    axe_check(page)
    main = page.inner_text("main")
    assert "pending verification" in main and "within three working days" in main
    _narrow_fits(page)
    page.goto("/groups/g/kenya/")
    axe_check(page)
    assert "Only verified graduates can join" in page.inner_text("main")
    assert page.get_by_role("button", name=f"Join {group.name}").count() == 0
    page.get_by_role("link", name="See your graduate verification").click()
    page.wait_for_url("**/alumni/verification/")

    # 3. Staff verify her from the queue, noting the evidence.
    _switch(page, sign_in, staff)
    page.goto("/alumni/queue/")
    axe_check(page)
    _narrow_fits(page)
    page.get_by_role("link", name=re.compile("Noor Aziz")).click()
    axe_check(page)
    _narrow_fits(page)
    page.get_by_label("Evidence seen").fill("Degree certificate seen on a video call")
    page.get_by_role("button", name="Verify with evidence").click()
    page.wait_for_url("**/alumni/queue/")
    axe_check(page)
    assert "Verified with evidence noted" in page.inner_text("main")
    for url in ("/alumni/records/", "/alumni/records/import/"):
        page.goto(url)
        axe_check(page)
        _narrow_fits(page)

    # 4. She joins the group.
    _switch(page, sign_in, noor, PASSWORD)
    page.goto("/groups/g/kenya/")
    page.get_by_role("button", name=f"Join {group.name}").click()
    page.wait_for_url("**/groups/g/kenya/")
    axe_check(page)
    assert Membership.objects.filter(user=noor, group=group, left_at__isnull=True).exists()

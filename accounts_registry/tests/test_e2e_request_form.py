"""Browser journey: the request form's error summary and its administrators picker, by keyboard."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from accounts_registry.models import AccountRequest, StandInApprover
from accounts_registry.tests.factories import make_cast, submitted
from accounts_registry.tests.test_e2e import fresh_totp_window, pick_administrators
from portal.roles import Role
from portal.tests.factories import make_unit, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PORTAL_SCREENSHOT_DIR", "")


def _shoot(page: Any, name: str) -> None:
    """Screenshots for a person to look at, when ``PORTAL_SCREENSHOT_DIR`` is set."""
    if not SHOTS:
        return
    page.screenshot(path=os.path.join(SHOTS, f"{name}-desktop.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=os.path.join(SHOTS, f"{name}-390.png"), full_page=True)
    if size:
        page.set_viewport_size(size)


def test_error_summary_and_picker(page: Any, sign_in: Any, axe_check: Any) -> None:
    cast = make_cast()
    fresh_totp_window()
    sign_in(page, cast.requester)
    page.goto("/social/requests/new/")
    axe_check(page)
    _shoot(page, "request-form")

    # A first go with fields missing and rules broken: one administrator, a handle without
    # the prefix, a person's own mailbox.
    page.get_by_label("Requesting unit").select_option(label=cast.unit.name)
    page.get_by_label("Account name").fill("University Picker Test")
    page.get_by_label("Handle").fill("pickertest")
    page.get_by_label("Generic contact email").fill(cast.admin1.email)
    pick_administrators(page, cast.admin1)
    search = page.get_by_role("combobox", name="Administrators")
    search.fill("zz")
    page.get_by_text("No member of staff matches “zz”.").wait_for()
    search.fill(cast.admin2.email[:6])
    page.get_by_role("listbox").wait_for()
    _shoot(page, "request-form-picker")
    search.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    search.fill("")
    page.get_by_role("button", name="Submit request").click()

    summary = page.get_by_role("alert").filter(has_text="Please correct the following")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    links = summary.get_by_role("link")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs == {
        "#id_platform",
        "#id_purpose",
        "#id_audience",
        "#id_objectives",
        "#id_evaluation_plan",
        "#id_signoff_process",
        "#id_proposed_handle",
        "#id_contact_email",
        "#id_administrators",
    }
    # The person chosen before the round trip is still chosen.
    page.get_by_role("button", name=f"Remove {cast.admin1.display_name}").wait_for()
    axe_check(page)
    _shoot(page, "request-form-errors")

    # The summary's link leads to the picker's search box; the keyboard does the rest.
    summary.get_by_role("link", name=re.compile("^Administrators")).click()
    assert page.evaluate("document.activeElement.id") == "id_administrators"
    pick_administrators(page, cast.admin2)
    page.get_by_role("button", name=f"Remove {cast.admin2.display_name}").click()
    assert page.evaluate("document.activeElement.id") == "id_administrators"
    pick_administrators(page, cast.admin2)
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_label("Handle").fill("UniPickerTest")
    page.get_by_label("Generic contact email").fill("picker-social@example.ac.uk")
    for label in ("Purpose", "Audience", "Objectives", "Evaluation plan"):
        page.get_by_label(label).fill("Filled in.")
    page.get_by_label("Sign-off process for posts").fill("Two admins.")
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url(re.compile(r"/social/requests/\d+/$"))
    request = AccountRequest.objects.get()
    assert {named.user_id for named in request.administrators.all()} == {
        cast.admin1.pk,
        cast.admin2.pk,
    }
    axe_check(page)


def test_comms_see_no_eligible_approver_and_name_a_stand_in(
    page: Any, sign_in: Any, axe_check: Any
) -> None:
    cast = make_cast()
    unit = make_unit(name="Institute Without a Head", slug="headless")
    request = submitted(cast, unit_id=unit.pk)
    stand_in = make_user(Role.STAFF)
    fresh_totp_window()
    sign_in(page, cast.comms)
    page.goto("/social/comms/")
    page.get_by_role("link", name=request.proposed_name).first.wait_for()
    assert page.get_by_text("No eligible approver for the Head of unit slot").count() == 1
    page.goto(f"/social/requests/{request.pk}/")
    page.get_by_text("No eligible approver", exact=True).wait_for()
    axe_check(page)
    _shoot(page, "request-no-eligible-approver")
    page.get_by_label("Slot").select_option("unit")
    page.get_by_label("Email address of the stand-in").fill(stand_in.email)
    page.get_by_label("Why a stand-in is needed").fill("The institute has no director this term.")
    page.get_by_role("button", name="Name the stand-in").click()
    page.get_by_text("is now the stand-in approver").wait_for()
    assert StandInApprover.objects.get(request=request).user == stand_in
    axe_check(page)


def test_without_scripts_the_administrators_are_typed(
    browser: Any, live_server: Any, sign_in: Any
) -> None:
    # No axe here: it runs as a script in the page, which this context does not allow.
    cast = make_cast()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    fresh_totp_window()
    sign_in(page, cast.requester)
    page.goto("/social/requests/new/")
    page.get_by_label("Requesting unit").select_option(label=cast.unit.name)
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_label("Account name").fill("University No Script")
    page.get_by_label("Handle").fill("UniNoScript")
    for label in ("Purpose", "Audience", "Objectives", "Evaluation plan"):
        page.get_by_label(label).fill("Filled in.")
    page.get_by_label("Sign-off process for posts").fill("Two admins.")
    page.get_by_label("Generic contact email").fill("noscript-social@example.ac.uk")
    page.get_by_label("Administrators").fill(f"{cast.admin1.email}\nnobody@example.ac.uk")
    page.get_by_role("button", name="Submit request").click()
    page.get_by_role("alert").get_by_text("No current member of staff has the address").wait_for()
    page.get_by_label("Administrators").fill(f"{cast.admin1.email}\n{cast.admin2.email}")
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url(re.compile(r"/social/requests/\d+/$"))
    assert AccountRequest.objects.get().administrators.count() == 2
    context.close()

"""Browser journey: request -> two approvals by two people -> activation -> public lookup."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings

from accounts_registry.models import AccountRequest
from accounts_registry.services.requests import request_acknowledge
from accounts_registry.tests.factories import make_cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fresh_totp_window(margin: float = 8.0) -> None:
    """Wait for a new TOTP period if this one ends within ``margin`` seconds.

    The sign-in fixture computes the code just before submitting it and the server accepts
    only the current period, so a sign-in that straddles the boundary fails now and then.
    """
    period = mfa_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < margin:
        time.sleep(remaining + 0.3)


def pick_administrators(page: Any, *people: Any) -> None:
    """Choose each person in the request form's administrators picker: search by address,
    then the arrow key and Enter on the match, as a keyboard user would."""
    search = page.get_by_role("combobox", name="Administrators")
    for person in people:
        search.fill(person.email)
        page.get_by_role("option", name=re.compile(re.escape(person.email))).wait_for()
        search.press("ArrowDown")
        search.press("Enter")
        page.get_by_role("button", name=f"Remove {person.display_name}").wait_for()


def test_request_to_public_lookup(page, browser, live_server, sign_in, axe_check) -> None:
    cast = make_cast()

    def signed_in(target, user):
        fresh_totp_window()
        sign_in(target, user)

    def as_user(user):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        other = context.new_page()
        signed_in(other, user)
        return other

    # The requester fills in the form.
    signed_in(page, cast.requester)
    page.goto("/social/requests/new/")
    axe_check(page)
    page.get_by_label("Requesting unit").select_option(label=cast.unit.name)
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_label("Account name").fill("University Social Sciences")
    page.get_by_label("Handle").fill("@UniSocSci")
    for label, text in [
        ("Purpose", "Research news and events."),
        ("Audience", "Students and alumni."),
        ("Objectives", "Two posts a week."),
        ("Evaluation plan", "Quarterly review."),
        ("Sign-off process for posts", "Checked by a second administrator."),
    ]:
        page.get_by_label(label).fill(text)
    page.get_by_label("Generic contact email").fill("socsci-social@example.ac.uk")
    pick_administrators(page, cast.admin1, cast.admin2)
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url(re.compile(r"/social/requests/\d+/$"))
    axe_check(page)
    request = AccountRequest.objects.get()
    page.goto("/social/requests/")
    assert page.get_by_text("Waiting for the policy acknowledgement").count() == 1
    axe_check(page)

    # Each named administrator acknowledges (one in the browser).
    admin = as_user(cast.admin1)
    admin.goto(f"/social/requests/{request.pk}/acknowledge/")
    axe_check(admin)
    admin.get_by_label("I have read the social media policy").check()
    admin.get_by_role("button", name="Acknowledge").click()
    admin.wait_for_url(re.compile(r"/social/requests/\d+/$"))
    request_acknowledge(actor=cast.admin2, request_id=request.pk)

    # Two different people approve the two slots.
    for person in (cast.approver, cast.director):
        approver = as_user(person)
        approver.goto("/social/requests/queue/")
        axe_check(approver)
        approver.get_by_role("link", name="University Social Sciences").click()
        axe_check(approver)
        approver.get_by_role("button", name="Approve").click()
        assert approver.get_by_text("You approved the request.").count() == 1
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.APPROVED

    # The requester records the live account.
    page.goto(f"/social/requests/{request.pk}/activate/")
    axe_check(page)
    page.get_by_label("Live handle").fill("UniSocSci")
    page.get_by_label("Address of the account").fill("https://www.instagram.com/unisocsci/")
    page.get_by_label("Followers today").fill("420")
    page.get_by_role("button", name="Record the live account").click()
    page.wait_for_url(re.compile(r"/social/accounts/\d+/$"))
    assert page.get_by_text("is now an active official account").count() == 1
    axe_check(page)
    page.goto("/social/directory/")
    axe_check(page)

    # Anyone can check the account is official.
    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto("/social/check/")
    axe_check(public)
    public.get_by_label("Platform").select_option("instagram")
    public.get_by_label("Handle").fill("@UNISOCSCI")
    public.get_by_role("button", name="Check").click()
    assert public.get_by_text("Yes, this is an official account.").count() == 1
    axe_check(public)

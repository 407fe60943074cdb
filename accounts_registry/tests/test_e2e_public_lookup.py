"""Browser journey on a phone: paste a profile link, then report an impostor, without signing in."""

from __future__ import annotations

import pytest

from accounts_registry.tests.factories import active_account, make_cast
from moderation.models import Incident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits_a_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_public_lookup_by_link_and_impostor_report_on_a_phone(browser, live_server, axe_check):
    account = active_account(make_cast())
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/social/check/")
        axe_check(page)
        _fits_a_phone(page)
        page.get_by_label("Handle or link").fill(
            f"https://www.instagram.com/{account.handle}/?hl=en"
        )
        page.get_by_role("button", name="Check").click()
        page.get_by_text("Yes, this is an official account.").wait_for()
        assert page.get_by_text("read from the link you pasted").count() == 1
        axe_check(page)
        _fits_a_phone(page)

        page.get_by_label("Handle or link").fill(
            "https://www.instagram.com/the_real_university_official_news_channel/"
        )
        page.get_by_role("button", name="Check").click()
        page.get_by_text("No official account matches.").wait_for()
        axe_check(page)
        _fits_a_phone(page)

        page.get_by_role("link", name="Report this account as impersonating us").click()
        page.wait_for_url("**/social/check/report/**")
        axe_check(page)
        _fits_a_phone(page)
        # The server's own checks, past the browser's: nothing said about the account.
        page.evaluate("document.getElementById('report-form').noValidate = true")
        page.get_by_role("button", name="Report the account").click()
        page.get_by_text("Please correct the following").wait_for()
        axe_check(page)
        _fits_a_phone(page)
        page.get_by_label("Why do you think it is pretending to be us?").fill(
            "It copies our crest and asks for donations."
        )
        page.get_by_role("button", name="Report the account").click()
        page.get_by_text("The communications team has been told").wait_for()
        axe_check(page)
        _fits_a_phone(page)
    finally:
        context.close()
    incident = Incident.objects.get()
    assert incident.title.endswith("@the_real_university_official_news_channel")

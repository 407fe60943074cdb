"""Browser journey: comms import a monitoring export (one official, one unregistered, one
impersonating account), triage each; the unit follows the invitation and registers; the
impersonation shows "not official" in the public lookup. Axe on every page, no overflow at 390 px.
"""

from __future__ import annotations

import re

import pytest

from accounts_registry.models import DiscoveredAccount
from accounts_registry.tests.e2e_helpers import as_user, fits_a_phone
from accounts_registry.tests.factories import active_account, make_cast
from accounts_registry.tests.test_e2e import pick_administrators
from portal.models import OutboundEmail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_monitoring_to_registration_and_lookup(
    page, browser, live_server, sign_in, axe_check
) -> None:
    cast = make_cast()
    official = active_account(cast)
    export = (
        "platform,handle,url,display_name,followers,first_seen\n"
        f"instagram,@{official.handle},https://www.instagram.com/{official.handle}/,"
        f"{official.name},1200,2025-09-01\n"
        "instagram,@UniHistorySoc,https://www.instagram.com/unihistorysoc/,"
        "History Society,310,2026-01-05\n"
        "x,@TheRealUniOfficial,https://x.com/therealuniofficial,The University (Official),"
        "5400,2026-02-01\n"
    )

    # Comms import the export from the console.
    comms = as_user(browser, live_server, sign_in, cast.comms)
    comms.goto("/social/comms/")
    axe_check(comms)
    comms.get_by_role("link", name=re.compile("Accounts found by monitoring")).click()
    comms.wait_for_url("**/social/discovered/")
    axe_check(comms)
    comms.get_by_label("Monitoring export (CSV)").set_input_files(
        files=[{"name": "export.csv", "mimeType": "text/csv", "buffer": export.encode()}]
    )
    comms.get_by_role("button", name="Import").click()
    assert comms.get_by_text("3 new, 0 seen again; 2 waiting for triage").count() == 1
    axe_check(comms)
    fits_a_phone(comms)

    # The official one matched the registry by itself.
    comms.get_by_role("link", name="In the registry").click()
    comms.get_by_role("link", name=f"Instagram @{official.handle}").click()
    assert comms.get_by_text("Already an official account").count() == 1
    axe_check(comms)

    # Official but unregistered: the unit is invited.
    comms.goto("/social/discovered/")
    comms.get_by_role("link", name="Instagram @unihistorysoc").click()
    axe_check(comms)
    fits_a_phone(comms)
    comms.get_by_label("Official but unregistered").check()
    comms.get_by_label("Reason").fill("The history department's society page.")
    comms.get_by_label("Owning unit (official)").select_option(label=cast.unit.name)
    comms.get_by_label("Send to").fill("history-office@example.ac.uk")
    comms.get_by_role("button", name="Record the decision").click()
    assert comms.get_by_text("Decision recorded for @unihistorysoc.").count() == 1
    axe_check(comms)

    # Impersonation: a removal request goes out and the public check says "not official".
    comms.goto("/social/discovered/")
    comms.get_by_role("link", name="X (Twitter) @therealuniofficial").click()
    comms.get_by_label("Unauthorised association or impersonation").check()
    comms.get_by_label("Reason").fill("Uses the crest and claims to be the University.")
    comms.get_by_label("Send to").fill("impersonation@x.example")
    comms.get_by_role("button", name="Record the decision").click()
    assert comms.get_by_text("Removal request #").count() == 1
    axe_check(comms)

    # The unit follows the invitation's pre-filled link and registers the account.
    invitation = OutboundEmail.objects.get(category="accounts_registry.discovered.invitation")
    link = re.search(r"https?://\S+(/social/requests/new/\?\S+)", invitation.body_text)
    assert link is not None
    page_unit = as_user(browser, live_server, sign_in, cast.requester)
    page_unit.goto(link.group(1))
    axe_check(page_unit)
    assert page_unit.get_by_label("Handle").input_value() == "unihistorysoc"
    assert page_unit.get_by_label("Account name").input_value() == "History Society"
    for label, text in [
        ("Purpose", "Society news."),
        ("Audience", "History students."),
        ("Objectives", "Events."),
        ("Evaluation plan", "Yearly review."),
        ("Sign-off process for posts", "Two admins."),
    ]:
        page_unit.get_by_label(label).fill(text)
    page_unit.get_by_label("Generic contact email").fill("history-social@example.ac.uk")
    pick_administrators(page_unit, cast.admin1, cast.admin2)
    page_unit.get_by_role("button", name="Submit request").click()
    page_unit.wait_for_url(re.compile(r"/social/requests/\d+/$"))
    found = DiscoveredAccount.objects.get(handle="unihistorysoc")
    assert found.match == DiscoveredAccount.Match.PENDING and found.request is not None
    comms.goto(f"/social/discovered/{found.pk}/")
    assert comms.get_by_text("A request for it is in progress").count() == 1
    axe_check(comms)

    # Anyone checks the impersonating handle.
    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto("/social/check/")
    public.get_by_label("Platform").select_option("x")
    public.get_by_label("Handle").fill("@TheRealUniOfficial")
    public.get_by_role("button", name="Check").click()
    assert public.get_by_text("Not an official account.").count() == 1
    axe_check(public)
    fits_a_phone(public)

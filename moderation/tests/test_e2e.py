"""In the browser: import a CSV, find the item in the queue, claim it, decide, read the timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accounts_registry.models import OfficialAccount
from moderation.models import Decision, Item
from portal.models import User


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_import_queue_claim_decide_timeline(
    page: Any,
    sign_in: Callable[[Any, User], None],
    axe_check: Callable[[Any], None],
    channel: OfficialAccount,
    channel_admin: User,
    tmp_path: Path,
) -> None:
    csv_file = tmp_path / "comments.csv"
    csv_file.write_text(
        "text,author_handle,external_id,kind\n"
        "This is bullshit and you are all wankers,angry_alum,c-1,comment\n"
        "Lovely photos from graduation,proud_parent,c-2,comment\n",
        encoding="utf-8",
    )
    sign_in(page, channel_admin)

    page.goto("/moderation/import/")
    axe_check(page)
    page.get_by_label("Channel").select_option(str(channel.pk))
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Import finished: 2 new, 0 already present.").wait_for()

    assert "/moderation/" in page.url
    axe_check(page)
    page.get_by_role("link", name=f"#{Item.objects.get(external_id='c-1').pk}").click()
    page.get_by_role("heading", name="Suggested categories").wait_for()
    assert page.get_by_role("cell", name="Profanity, obscenity or vulgarity").count() >= 1
    axe_check(page)

    page.get_by_role("button", name="Claim").click()
    page.get_by_text("You have claimed this item.").wait_for()
    axe_check(page)
    page.get_by_label("Remove (001 §6.1.4-6.1.6)").check()
    page.get_by_label("Category").select_option(label="Profanity, obscenity or vulgarity")
    page.get_by_label("Internal reason").fill("Expletives and insults (001 §6.1.3).")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Timeline").click()
    page.get_by_role("heading", name="Timeline of item").wait_for()
    for title in ("Claimed", "Decided", "Imported (CSV import)"):
        assert page.get_by_text(title, exact=False).count() >= 1
    axe_check(page)
    assert Decision.objects.get().outcome == Decision.Outcome.REMOVE


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_comms_pages_are_accessible(
    page: Any,
    sign_in: Callable[[Any, User], None],
    axe_check: Callable[[Any], None],
    channel: OfficialAccount,
    comms_staff: User,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from moderation.models import Incident
    from moderation.services.incidents import incident_report
    from moderation.services.removals import confirm_token, removal_request_create

    incident = incident_report(
        actor=comms_staff,
        kind=Incident.Kind.SECURITY_BREACH,
        title="Hacked",
        description="Odd posts",
    )
    removal = removal_request_create(
        actor=comms_staff,
        owner_name="Kim",
        owner_email="kim@example.com",
        content_description="A post",
        reason="004 §6.5",
        deadline=timezone.now() + timedelta(days=2),
    )
    sign_in(page, comms_staff)
    for path in (
        "/moderation/",
        "/moderation/items/new/",
        "/moderation/channels/",
        f"/moderation/channels/{channel.pk}/tokens/",
        "/moderation/statistics/",
        "/moderation/categories/",
        "/moderation/categories/new/",
        "/moderation/incidents/",
        "/moderation/incidents/new/",
        f"/moderation/incidents/{incident.pk}/",
        "/moderation/removals/",
        "/moderation/removals/new/",
        f"/moderation/removals/{removal.pk}/",
        f"/moderation/removals/confirm/{confirm_token(removal)}/",
        "/social/comms/",
    ):
        page.goto(path)
        page.get_by_role("heading", level=1).wait_for()
        axe_check(page)
        _no_overflow_at_phone_width(page)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_report_an_incident_from_an_item(
    page: Any,
    sign_in: Callable[[Any, User], None],
    axe_check: Callable[[Any], None],
    channel: OfficialAccount,
    channel_admin: User,
) -> None:
    from moderation.models import Incident
    from moderation.services.items import ItemData, item_create

    item, _ = item_create(
        actor=channel_admin,
        channel_id=channel.pk,
        data=ItemData(text="Our lecturer should be sacked, I know where she lives"),
    )
    sign_in(page, channel_admin)
    page.goto(f"/moderation/items/{item.pk}/")
    page.get_by_role("link", name="Report an incident about this item").click()
    page.get_by_role("heading", name=f"Report an incident about item #{item.pk}").wait_for()
    assert page.get_by_text("I know where she lives").count() >= 1
    axe_check(page)
    page.get_by_label("Harassment of staff (004 §4.11, §6.3)").check()
    page.get_by_label("Title").fill("Hostile comment about a lecturer")
    page.get_by_label("Description").fill("Posted under the open day video.")
    page.get_by_role("button", name="Report").click()
    page.get_by_text("the comms team has been emailed").wait_for()
    axe_check(page)
    incident = Incident.objects.get()
    assert (incident.item_id, incident.kind) == (item.pk, Incident.Kind.STAFF_HARASSMENT)

    page.get_by_role("link", name=f"Item #{item.pk}").last.click()
    page.get_by_role("heading", name="Suggested categories").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Timeline").click()
    page.get_by_role("link", name=f"Incident #{incident.pk} reported").wait_for()
    axe_check(page)


def _no_overflow_at_phone_width(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_threat_via_api_escalated_to_police_reply_recorded_item_closes(
    page: Any,
    sign_in: Callable[[Any, User], None],
    axe_check: Callable[[Any], None],
    channel: OfficialAccount,
    channel_admin: User,
) -> None:
    from moderation.models import Escalation
    from moderation.services.tokens import token_create

    _token, plain = token_create(actor=channel_admin, channel_id=channel.pk, name="monitor")
    threat = "I will kill you when you leave the campus tonight"
    response = page.request.post(
        f"/moderation/api/channels/{channel.pk}/items",
        headers={"Authorization": f"Bearer {plain}"},
        data={
            "items": [
                {"text": "Lovely graduation photos, well done all", "external_id": "a-1"},
                {"text": threat, "author_handle": "angry", "external_id": "a-2"},
            ]
        },
    )
    assert response.status == 201
    item = Item.objects.get(external_id="a-2")

    sign_in(page, channel_admin)
    page.goto("/moderation/")
    first_row = page.locator("table tbody tr").first
    assert first_row.get_by_role("link", name=f"#{item.pk}").count() == 1  # top of the queue
    axe_check(page)
    _no_overflow_at_phone_width(page)
    first_row.get_by_role("link", name=f"#{item.pk}").click()
    page.get_by_role("heading", name="Suggested categories").wait_for()
    assert page.locator("mark").first.inner_text() in threat  # the evidence is highlighted
    axe_check(page)
    _no_overflow_at_phone_width(page)

    page.get_by_role("heading", level=1).click()  # not in a field: shortcuts apply
    page.keyboard.press("r")
    assert page.get_by_label("Remove (001 §6.1.4-6.1.6)").is_checked()
    assert page.get_by_label("Category").input_value() != ""  # the top suggestion
    page.get_by_label("Escalate to the police: illegal content (001 §8.1)").check()
    page.get_by_label("Internal reason").fill("Threat of violence (001 §6.1.4).")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    page.get_by_text("Waiting for their reply").wait_for()
    assert "Escalated" in page.get_by_text("State:").locator("..").inner_text()
    axe_check(page)
    _no_overflow_at_phone_width(page)

    page.get_by_label("Who replied").fill("PC Jones, campus liaison")
    page.get_by_label("When they replied").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Outcome of their reply").fill("Crime reference 42; author identified")
    page.get_by_role("button", name="Record reply").click()
    page.get_by_text("Reply from PC Jones, campus liaison recorded.").wait_for()
    axe_check(page)
    item.refresh_from_db()
    assert item.state == Item.State.DECIDED
    assert Escalation.objects.get(item=item).reply_from == "PC Jones, campus liaison"

    page.get_by_role("link", name="Timeline").click()
    page.get_by_role("heading", name="Timeline of item").wait_for()
    for title in ("Escalated “", "Recorded the receiving team's reply"):
        assert page.get_by_text(title, exact=False).count() >= 1
    assert page.get_by_text("Crime reference 42", exact=False).count() >= 1
    axe_check(page)
    _no_overflow_at_phone_width(page)

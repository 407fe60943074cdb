"""In the browser: the queue's time left and "overdue by", the past-target filter, and the
channel search box with its suggestions (accessible, no sideways scroll at 390 px)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from accounts_registry.models import OfficialAccount
from moderation.models import Category
from moderation.services.items import ItemData, item_create
from portal.models import User

from .factories import make_channel

SHOTS = os.environ.get("PORTAL_SCREENSHOTS", "")


def shoot(page: Any, name: str) -> None:
    """Screenshots for a person to look at, when ``PORTAL_SCREENSHOTS`` names a folder."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}-desktop.png"), full_page=True)
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(Path(SHOTS) / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(desktop)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_queue_time_left_and_channel_search(
    page: Any,
    sign_in: Callable[[Any, User], None],
    axe_check: Callable[[Any], None],
    comms_staff: User,
) -> None:
    channels: list[OfficialAccount] = []
    for handle, name in (
        ("uni_news", "University News"),
        ("uni_sport", "University Sport"),
        ("alumni_kenya", "Alumni Group of Kenya"),
    ):
        channel = make_channel(followers=2000)
        OfficialAccount.objects.filter(pk=channel.pk).update(handle=handle, name=name)
        channels.append(channel)
    threat = Category.objects.get(code="threat")
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        item_create(
            actor=comms_staff,
            channel_id=channels[0].pk,
            data=ItemData(text="Watch your back at the next open day", author_handle="angry"),
            category_ids=[threat.pk],
        )
    item_create(
        actor=comms_staff,
        channel_id=channels[1].pk,
        data=ItemData(text="Buy now! Limited offer on all our sports kit"),
    )
    item_create(
        actor=comms_staff,
        channel_id=channels[2].pk,
        data=ItemData(text="When is the Nairobi reunion?"),
    )
    sign_in(page, comms_staff)

    page.goto("/moderation/")
    page.get_by_text("Overdue by 2 h", exact=False).first.wait_for()
    assert page.get_by_text("1 hour, round the clock", exact=False).count() >= 1
    assert page.get_by_text("left", exact=False).count() >= 2
    axe_check(page)
    shoot(page, "queue")

    box = page.get_by_label("Channel")
    box.press_sequentially("uni_", delay=30)
    options = page.locator("#channel-options option")
    options.nth(1).wait_for(state="attached")  # the suggestions came back
    labels = [options.nth(n).get_attribute("value") for n in range(options.count())]
    assert labels == ["X (Twitter) @uni_news", "X (Twitter) @uni_sport"]
    box.fill("X (Twitter) @uni_sport")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**channel_q=*")
    assert page.get_by_text("Buy now!", exact=False).count() == 1
    assert page.get_by_text("Watch your back", exact=False).count() == 0
    axe_check(page)

    page.goto("/moderation/")
    page.get_by_label("Past target only").check()
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**past_target=on*")
    assert page.get_by_text("Watch your back", exact=False).count() == 1
    assert page.get_by_text("Nairobi", exact=False).count() == 0
    axe_check(page)

    page.goto("/moderation/statistics/")
    page.get_by_role(
        "heading", name="Time to decision against the response targets"
    ).first.wait_for()
    axe_check(page)
    shoot(page, "statistics")

"""The queue's time left, "past target" filter and order; the channel search that replaced the
list of every account (open channels only, constant size and queries); the statistics' target
figures and their CSV."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts_registry.models import OfficialAccount
from moderation.models import Category, Item
from moderation.services.decisions import item_decide
from moderation.services.items import ItemData, item_create, items_import
from portal.models import OrgUnit, User
from portal.tests.factories import make_unit
from portal.workdays import LONDON

from .factories import make_channel

if TYPE_CHECKING:
    from pytest_django.fixtures import DjangoAssertNumQueries

ARRIVAL = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)  # a Wednesday


def enter(channel: OfficialAccount, actor: User, text: str, code: str = "") -> Item:
    ids = [Category.objects.get(code=code).pk] if code else []
    with time_machine.travel(ARRIVAL, tick=False):
        return item_create(
            actor=actor, channel_id=channel.pk, data=ItemData(text=text), category_ids=ids
        )[0]


def listed(response) -> list[str]:
    return [row.item.text for row in response.context["rows"]]


def close(channel: OfficialAccount) -> None:
    OfficialAccount.objects.filter(pk=channel.pk).update(status=OfficialAccount.Status.DELETED)


def test_queue_shows_time_left_and_overdue_and_filters_past_target(
    client: Client, channel: OfficialAccount, comms_staff: User
) -> None:
    enter(channel, comms_staff, "a threat", "threat")  # due 11:00
    enter(channel, comms_staff, "an advert", "advertising")  # due Thursday 10:00
    url = reverse("moderation:queue")
    with time_machine.travel(ARRIVAL + timedelta(hours=3, minutes=10), tick=False):
        client.force_login(comms_staff)
        page = client.get(url)
        html = page.content.decode()
        assert "Overdue by 2 h 10 min" in html and "1 hour, round the clock" in html
        assert "20 h 50 min left" in html and "1 working day" in html
        assert listed(client.get(url, {"past_target": "on"})) == ["a threat"]
        assert listed(client.get(url, {"sort": "due"})) == ["a threat", "an advert"]
        assert listed(client.get(url, {"sort": "due", "past_target": ""})) == [
            "a threat",
            "an advert",
        ]


def test_decided_items_are_never_past_target(
    client: Client, channel: OfficialAccount, comms_staff: User
) -> None:
    item = enter(channel, comms_staff, "a threat", "threat")
    item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="a quotation")
    with time_machine.travel(ARRIVAL + timedelta(days=1), tick=False):
        client.force_login(comms_staff)
        response = client.get(reverse("moderation:queue"), {"state": "all", "past_target": "on"})
    assert listed(response) == []


def test_item_page_sets_category_and_target(
    client: Client, channel: OfficialAccount, channel_admin: User
) -> None:
    item = enter(channel, channel_admin, "see you at the open day")
    client.force_login(channel_admin)
    url = reverse("moderation:item_detail", kwargs={"pk": item.pk})
    assert "Target:</strong> 1 working day" in client.get(url).content.decode()
    duty = Category.objects.get(code="duty_of_care")
    response = client.post(
        reverse("moderation:item_categorise", kwargs={"pk": item.pk}),
        {"target-category": duty.pk},
        follow=True,
    )
    assert "its target is 1 hour, round the clock" in response.content.decode()
    item.refresh_from_db()
    assert item.target_category == duty and item.due_at == ARRIVAL + timedelta(hours=1)
    bad = client.post(
        reverse("moderation:item_categorise", kwargs={"pk": item.pk}),
        {"target-category": "nonsense"},
        follow=True,
    )
    assert bad.status_code == 200 and "Choose one of the active categories." in (
        bad.content.decode()
    )


def test_channel_search_box_matches_open_channels_only(client: Client, comms_staff: User) -> None:
    news = make_channel()
    OfficialAccount.objects.filter(pk=news.pk).update(handle="uni_news", name="University News")
    sport = make_channel()
    OfficialAccount.objects.filter(pk=sport.pk).update(handle="uni_sport", name="Sport")
    old = make_channel()
    OfficialAccount.objects.filter(pk=old.pk).update(handle="uni_news_archive", name="Old news")
    for channel, text in ((news, "news item"), (sport, "sport item"), (old, "archived item")):
        items_import(
            actor=comms_staff, channel_id=channel.pk, rows=[ItemData(text=text)], source="csv"
        )
    close(old)
    news.refresh_from_db()
    sport.refresh_from_db()
    client.force_login(comms_staff)
    url = reverse("moderation:queue")
    # A closed channel's items stay in the queue ...
    assert sorted(listed(client.get(url))) == ["archived item", "news item", "sport item"]
    # ... but the search box no longer finds the channel.
    assert listed(client.get(url, {"channel_q": "news"})) == ["news item"]
    assert listed(client.get(url, {"channel_q": "@UNI_"})) == ["news item", "sport item"]
    assert listed(client.get(url, {"channel_q": str(news)})) == ["news item"]  # a suggestion
    missing = client.get(url, {"channel_q": "archive"})
    assert listed(missing) == []
    assert "No open channel you moderate matches “archive”" in missing.content.decode()
    # A link to the closed channel (its page, the console) still shows its old items.
    assert listed(client.get(url, {"channel": old.pk})) == ["archived item"]
    search = reverse("moderation:channel_search")
    results = client.get(search, {"q": "uni"}).json()["results"]
    assert [r["label"] for r in results] == [str(news), str(sport)]
    assert client.get(search, {"q": ""}).json() == {"results": []}


def test_channel_search_for_an_admin_is_their_open_channels(
    client: Client, channel: OfficialAccount, channel_admin: User, other_channel: OfficialAccount
) -> None:
    client.force_login(channel_admin)
    search = reverse("moderation:channel_search")
    assert [r["label"] for r in client.get(search, {"q": "channel"}).json()["results"]] == [
        str(channel)
    ]
    close(channel)
    assert client.get(search, {"q": "channel"}).json() == {"results": []}
    # Someone else's channel by id is refused, not shown.
    response = client.get(reverse("moderation:queue"), {"channel": other_channel.pk})
    assert "That channel is not one you moderate." in response.content.decode()


def test_channel_search_returns_at_most_twenty(client: Client, comms_staff: User) -> None:
    unit = make_unit()
    OfficialAccount.objects.bulk_create(
        OfficialAccount(unit=unit, platform="x", handle=f"dept_{n:03}", name=f"Dept {n}")
        for n in range(30)
    )
    client.force_login(comms_staff)
    results = client.get(reverse("moderation:channel_search"), {"q": "dept"}).json()["results"]
    assert len(results) == 20 and results[0]["label"] == "X (Twitter) @dept_000"


def _accounts(unit: OrgUnit, count: int) -> None:
    OfficialAccount.objects.bulk_create(
        (
            OfficialAccount(
                unit=unit,
                platform="facebook",
                handle=f"school_of_things_{n:05}",
                name=f"School of Things {n}",
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


@pytest.mark.parametrize("accounts", [10, 5000])
def test_queue_page_size_and_queries_do_not_grow_with_accounts(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    channel: OfficialAccount,
    comms_staff: User,
    accounts: int,
) -> None:
    _accounts(make_unit(), accounts)
    text = "Is the alumni reunion on the 14th or the 15th? " * 6
    items_import(
        actor=comms_staff,
        channel_id=channel.pk,
        rows=[ItemData(text=f"{text} {n}", author_handle=f"someone_{n}") for n in range(60)],
        source="csv",
    )
    client.force_login(comms_staff)
    with django_assert_num_queries(7):  # as in test_views.QUEUE_QUERIES
        response = client.get(reverse("moderation:queue"))
    html = response.content.decode()
    assert len(response.context["rows"]) == 50
    # Categories (17 and "All"), states (7), orders (2): none of them accounts.
    assert len(re.findall(r"<option\b", html)) == 18 + 7 + 2
    assert len(html.encode()) < 150_000
    incidents = client.get(reverse("moderation:incident_list")).content.decode()
    assert "school_of_things" not in incidents


def test_statistics_compare_time_to_decision_with_the_targets(
    client: Client, channel: OfficialAccount, other_channel: OfficialAccount, comms_staff: User
) -> None:
    fast = enter(channel, comms_staff, "threat one", "threat")
    slow = enter(channel, comms_staff, "threat two", "threat")
    elsewhere = enter(other_channel, comms_staff, "an advert", "advertising")
    for item, minutes in ((fast, 30), (slow, 150), (elsewhere, 60)):
        with time_machine.travel(ARRIVAL + timedelta(minutes=minutes), tick=False):
            item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="fine")
    with time_machine.travel(ARRIVAL + timedelta(days=1), tick=False):
        client.force_login(comms_staff)
        rows = {r.tier: r for r in client.get(reverse("moderation:statistics")).context["targets"]}
        severe = rows["Severity 5"]
        assert (severe.decisions, severe.within_target, severe.share_within) == (2, 1, 50)
        assert severe.median_hours == 1.5 and severe.p90_hours == 2.3
        assert severe.targets == "1 hour, round the clock"
        assert rows["Severity 2"].share_within == 100
        assert rows["Unflagged"].decisions == 0 and rows["Unflagged"].share_within is None
        narrowed = client.get(reverse("moderation:statistics"), {"channel_q": other_channel.name})
        assert {r.tier: r.decisions for r in narrowed.context["targets"]}["Severity 5"] == 0
        body = client.get(reverse("moderation:statistics_csv")).content.decode()
    assert "severity,targets,first decisions" in body
    assert 'Severity 5,"1 hour, round the clock",2,1.5,2.3,1,50' in body


def test_statistics_count_a_reopened_item_once(
    client: Client, channel: OfficialAccount, comms_staff: User
) -> None:
    from moderation.services.decisions import decision_reopen

    item = enter(channel, comms_staff, "threat", "threat")
    with time_machine.travel(ARRIVAL + timedelta(minutes=20), tick=False):
        item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="fine")
        decision_reopen(actor=comms_staff, item_id=item.pk, reason="look again")
    with time_machine.travel(ARRIVAL + timedelta(hours=5), tick=False):
        item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="still fine")
        client.force_login(comms_staff)
        rows = {r.tier: r for r in client.get(reverse("moderation:statistics")).context["targets"]}
    assert rows["Severity 5"].decisions == 1 and rows["Severity 5"].within_target == 1


def test_dashboard_counts_items_past_their_target(
    client: Client, channel: OfficialAccount, channel_admin: User
) -> None:
    enter(channel, channel_admin, "a threat", "threat")
    enter(channel, channel_admin, "an advert", "advertising")
    with time_machine.travel(ARRIVAL + timedelta(hours=2), tick=False):
        client.force_login(channel_admin)
        html = client.get("/dashboard/").content.decode()
    assert "1 past its response target" in html and "?past_target=on" in html


def test_pickers_become_a_search_box_beyond_twenty_channels(
    client: Client, channel: OfficialAccount, comms_staff: User
) -> None:
    client.force_login(comms_staff)
    new_item = reverse("moderation:item_new")
    assert f'<option value="{channel.pk}"' in client.get(new_item).content.decode()
    _accounts(make_unit(), 30)
    page = client.get(new_item, {"channel": channel.pk}).content.decode()
    assert "<option" not in page.split('name="kind"')[0]  # no channel list before the kind
    assert f'value="{channel}"' in page and 'list="id_channel-options"' in page
    assert "school_of_things" not in page
    ambiguous = client.post(
        new_item, {"channel": "school_of_things", "kind": "comment", "text": "x"}
    )
    assert "Several channels match" in ambiguous.content.decode()
    unknown = client.post(new_item, {"channel": "nowhere", "kind": "comment", "text": "x"})
    assert "No open channel you moderate matches “nowhere”" in unknown.content.decode()
    added = client.post(new_item, {"channel": str(channel), "kind": "comment", "text": "hello"})
    assert added.status_code == 302 and Item.objects.get(text="hello").channel == channel

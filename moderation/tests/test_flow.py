"""The review flow: claimed-by shown to others with a comms release, the top suggestion
pre-selected, the next item linked, keyboard shortcuts from a static file (no inline script)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts_registry.models import OfficialAccount
from moderation.models import Item
from moderation.services.items import ItemData, item_claim, item_create
from portal.models import User

from .factories import make_account_admin


def test_claimed_item_shows_who_and_since_and_comms_can_release(
    channel: OfficialAccount, channel_admin: User, comms_staff: User
) -> None:
    item, _ = item_create(actor=channel_admin, channel_id=channel.pk, data=ItemData(text="hi"))
    item_claim(actor=channel_admin, item_id=item.pk)
    item.refresh_from_db()
    url = reverse("moderation:item_detail", kwargs={"pk": item.pk})
    colleague = make_account_admin(channel)
    client = Client()
    client.force_login(colleague)
    page = client.get(url).content.decode()
    assert f"Claimed by {channel_admin} since" in page
    assert "Only they or comms staff can release it." in page
    assert "Release" not in page.split('id="claimed-by"')[1].split("</section>")[0]
    client.force_login(comms_staff)
    page = client.get(url).content.decode()
    assert f"Release {channel_admin}'s claim" in page
    client.post(reverse("moderation:item_release", kwargs={"pk": item.pk}))
    item.refresh_from_db()
    assert item.state == Item.State.NEW and item.claimed_by is None


def test_top_suggestion_is_preselected_and_next_item_linked(
    channel: OfficialAccount, channel_admin: User
) -> None:
    threat, _ = item_create(
        actor=channel_admin,
        channel_id=channel.pk,
        data=ItemData(text="This is bullshit. I will kill you all tomorrow"),
    )
    calm, _ = item_create(actor=channel_admin, channel_id=channel.pk, data=ItemData(text="Nice"))
    top = max(threat.suggested_categories, key=lambda c: c.severity)
    assert top.severity > min(c.severity for c in threat.suggested_categories)
    client = Client()
    client.force_login(channel_admin)
    response = client.get(reverse("moderation:item_detail", kwargs={"pk": threat.pk}))
    assert response.context["decision_form"].initial["category"] == top.pk
    assert f'<option value="{top.pk}" selected>' in response.content.decode()
    assert response.context["next_item"] == calm  # the threat is first in the queue
    page = response.content.decode()
    assert 'id="next-item"' in page and "js/moderation-shortcuts.js" in page
    assert "<script>" not in page  # shortcuts come from the static file only (CSP)


def test_weekly_trends_per_channel_and_moderator_with_csv(
    channel: OfficialAccount, other_channel: OfficialAccount, comms_staff: User
) -> None:
    import csv
    import io

    from moderation.selectors import weekly_trends
    from moderation.services.decisions import item_decide

    for target, text in ((channel, "a"), (channel, "b"), (other_channel, "c")):
        item, _ = item_create(actor=comms_staff, channel_id=target.pk, data=ItemData(text=text))
        item_decide(actor=comms_staff, item_id=item.pk, outcome="keep", reason="fine")
    trends = weekly_trends()
    assert len(trends.weeks) == 8 and trends.weeks[-1].weekday() == 0
    assert trends.totals[-1] == 3 and sum(trends.totals) == 3
    assert dict(trends.by_channel) == {
        str(channel): [0] * 7 + [2],
        str(other_channel): [0] * 7 + [1],
    }
    assert dict(trends.by_moderator) == {str(comms_staff): [0] * 7 + [3]}
    client = Client()
    client.force_login(comms_staff)
    page = client.get(reverse("moderation:statistics")).content.decode()
    assert "<svg" in page and "Per moderator (workload)" in page
    response = client.get(reverse("moderation:statistics_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["week starting", "by", "name", "decisions"]
    this_week = trends.weeks[-1].isoformat()
    assert [this_week, "all", "all channels", "3"] in rows
    assert [this_week, "channel", str(channel), "2"] in rows
    assert [this_week, "moderator", str(comms_staff), "3"] in rows

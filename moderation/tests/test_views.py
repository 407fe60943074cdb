"""Pages: CSV upload, deciding through the form, tokens shown once, statistics, query counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts_registry.models import OfficialAccount
from moderation.models import Category, ChannelToken, Item
from moderation.services.decisions import item_decide
from moderation.services.items import ItemData, item_create, items_import
from portal.models import User

if TYPE_CHECKING:
    from pytest_django.fixtures import DjangoAssertNumQueries

CSV = (
    "text,author_handle,link,posted_at,external_id,kind\n"
    "Email me at joe.bloggs@gmail.com,joe,https://x.com/p/1,2026-11-20T09:00,p1,comment\n"
    "Great event,amy,,,p2,post\n"
)


def upload(client: Client, channel: OfficialAccount, content: str):
    return client.post(
        reverse("moderation:import"),
        {
            "channel": channel.pk,
            "file": SimpleUploadedFile("items.csv", content.encode(), "text/csv"),
        },
        follow=True,
    )


def test_csv_upload_twice(client: Client, channel: OfficialAccount, channel_admin: User) -> None:
    client.force_login(channel_admin)
    response = upload(client, channel, CSV)
    assert "Import finished: 2 new, 0 already present." in response.content.decode()
    response = upload(client, channel, CSV)
    assert "Import finished: 0 new, 2 already present." in response.content.decode()
    assert Item.objects.filter(channel=channel, source=Item.Source.CSV).count() == 2


def test_invalid_csv_saves_nothing_and_lists_errors(
    client: Client, channel: OfficialAccount, channel_admin: User
) -> None:
    client.force_login(channel_admin)
    response = upload(client, channel, CSV + ",nobody,,,p3,post\n")
    page = response.content.decode()
    assert "The file was not imported" in page and "Row 4: text is empty" in page
    assert not Item.objects.exists()


def test_admin_cannot_import_into_another_channel(
    client: Client, other_channel: OfficialAccount, channel_admin: User
) -> None:
    client.force_login(channel_admin)
    response = upload(client, other_channel, CSV)
    assert "Select a valid choice" in response.content.decode()
    assert not Item.objects.exists()


def test_decide_through_the_page_and_conflict_message(
    client: Client, channel: OfficialAccount, channel_admin: User, comms_staff: User
) -> None:
    item, _ = item_create(actor=channel_admin, channel_id=channel.pk, data=ItemData(text="hello"))
    client.force_login(channel_admin)
    url = reverse("moderation:item_decide", kwargs={"pk": item.pk})
    response = client.post(url, {"outcome": "remove", "reason": "", "message_to_reporter": "kept"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert "kept</textarea>" in response.content.decode()  # what was typed is kept
    response = client.post(url, {"outcome": "remove", "reason": "rude"})
    assert response.status_code == 400 and "needs the policy category" in response.content.decode()
    response = client.post(url, {"outcome": "keep", "reason": "Fair comment"}, follow=True)
    assert "Decision recorded." in response.content.decode()
    other = Client()
    other.force_login(comms_staff)
    response = other.post(url, {"outcome": "keep", "reason": "Also fine"}, follow=True)
    assert "Someone got there first" in response.content.decode()
    timeline = other.get(
        reverse("moderation:item_timeline", kwargs={"pk": item.pk})
    ).content.decode()
    assert "Decided" in timeline and "Fair comment" in timeline


def test_create_item_through_the_form(
    client: Client, channel: OfficialAccount, channel_admin: User
) -> None:
    client.force_login(channel_admin)
    grievance = Category.objects.get(code="grievance")
    response = client.post(
        reverse("moderation:item_new"),
        {
            "channel": channel.pk,
            "kind": "comment",
            "text": "My lecturer is useless",
            "categories": [grievance.pk],
            "reporter_email": "student@example.ac.uk",
        },
        follow=True,
    )
    assert response.status_code == 200 and "Item added to the queue." in response.content.decode()
    item = Item.objects.get()
    assert item.created_by == channel_admin and item.suggestions.filter(category=grievance).exists()
    from portal.models import AuditEvent

    assert AuditEvent.objects.filter(action="portal.personal_data.viewed").exists()


def test_token_plain_value_shown_once(
    client: Client, channel: OfficialAccount, channel_admin: User
) -> None:
    client.force_login(channel_admin)
    url = reverse("moderation:channel_tokens", kwargs={"pk": channel.pk})
    page = client.post(url, {"name": "tool"}).content.decode()
    token = ChannelToken.objects.get()
    start = page.index('value="mod_') + len('value="')
    plain = page[start : page.index('"', start)]
    assert ChannelToken.hash(plain) == token.token_hash
    assert plain not in client.get(url).content.decode()


def test_statistics(client: Client, channel: OfficialAccount, comms_staff: User) -> None:
    result = items_import(
        actor=comms_staff,
        channel_id=channel.pk,
        rows=[ItemData(text="fuck off"), ItemData(text="hi")],
        source="csv",
    )
    item_decide(
        actor=comms_staff,
        item_id=result.created[0],
        outcome="remove",
        reason="x",
        category_id=Category.objects.get(code="profanity").pk,
    )
    client.force_login(comms_staff)
    stats = client.get(reverse("moderation:statistics")).context["stats"]
    assert stats.decisions_counted == 1 and stats.median_hours_to_decision is not None
    assert sum(n for _label, n in stats.open_by_priority) == 1
    assert stats.decisions_by_category[0]["category__name"] == "Profanity, obscenity or vulgarity"


def test_queue_filters(
    client: Client, channel: OfficialAccount, other_channel: OfficialAccount, comms_staff: User
) -> None:
    items_import(
        actor=comms_staff,
        channel_id=channel.pk,
        rows=[ItemData(text="bit.ly/abc123 win"), ItemData(text="ok")],
        source="csv",
    )
    items_import(
        actor=comms_staff, channel_id=other_channel.pk, rows=[ItemData(text="hello")], source="csv"
    )
    client.force_login(comms_staff)
    url = reverse("moderation:queue")
    assert client.get(url).context["page"].paginator.count == 3
    assert client.get(url, {"channel": other_channel.pk}).context["page"].paginator.count == 1
    spam = Category.objects.get(code="spam")
    page = client.get(url, {"category": spam.pk}).context["page"]
    assert [i.text for i in page] == ["bit.ly/abc123 win"]
    assert client.get(url, {"state": "decided"}).context["page"].paginator.count == 0
    ordered = [i.text for i in client.get(url, {"channel": channel.pk}).context["page"]]
    assert ordered == ["bit.ly/abc123 win", "ok"]  # priority first


# Queries of one queue page, whatever the queue's size: session, user, roles and second factor
# (one query on a cold cache, then from the shared cache), the capped count, the filter form's categories (the channel
# filter is a search box, no query), the page of items (with channel, claimer and target
# category) and their suggestions (with categories); an account admin adds the check that they
# administer an account (asked once for the view's guard and the navigation).
QUEUE_QUERIES = {"comms": 7, "admin": 8}


@pytest.mark.parametrize("who", ["comms", "admin"])
@pytest.mark.parametrize("size", [10, 1000])
def test_queue_query_count(
    client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    channel: OfficialAccount,
    channel_admin: User,
    comms_staff: User,
    who: str,
    size: int,
) -> None:
    texts = ["fuck this", "bit.ly/xyz123 free iphone", "hello there", "call 07700 900123"]
    items_import(
        actor=comms_staff,
        channel_id=channel.pk,
        rows=[ItemData(text=texts[i % 4]) for i in range(size)],
        source="csv",
    )
    assert Item.objects.count() == size
    client.force_login(comms_staff if who == "comms" else channel_admin)
    with django_assert_num_queries(QUEUE_QUERIES[who]):
        response = client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(size, 50)


def test_comms_edit_a_category(client: Client, comms_staff: User) -> None:
    from portal.models import AuditEvent

    spam = Category.objects.get(code="spam")
    client.force_login(comms_staff)
    response = client.post(
        reverse("moderation:category_edit", kwargs={"pk": spam.pk}),
        {
            "code": "ignored",
            "name": "Spam",
            "clause": spam.clause,
            "description": "",
            "severity": "4",
            "rule_codes": ["spam_link"],
            "active": "on",
            "target_amount": "2",
            "target_unit": "hours",
        },
        follow=True,
    )
    assert "saved" in response.content.decode()
    assert "2 hours, round the clock" in response.content.decode()  # the categories list
    spam.refresh_from_db()
    assert (spam.code, spam.severity, spam.name) == ("spam", 4, "Spam")
    assert spam.target.label == "2 hours, round the clock"
    event = AuditEvent.objects.for_object(spam).get()
    assert event.action == "moderation.category.updated" and event.old["severity"] == 3
    response = client.post(
        reverse("moderation:category_new"),
        {
            "code": "impersonation",
            "name": "Impersonation",
            "clause": "001 §4.7.4.12",
            "severity": "3",
            "active": "on",
            "target_amount": "1",
            "target_unit": "working_days",
        },
    )
    assert (
        response.status_code == 302
        and Category.objects.filter(code="impersonation", rule_codes=[]).exists()
    )


def test_item_page_shows_the_authors_history(
    client: Client, channel: OfficialAccount, comms_staff: User
) -> None:
    result = items_import(
        actor=comms_staff,
        channel_id=channel.pk,
        rows=[
            ItemData(text="fuck off", author_handle="troll"),
            ItemData(text="again", author_handle="troll"),
        ],
        source="csv",
    )
    item_decide(
        actor=comms_staff,
        item_id=result.created[0],
        outcome="block",
        reason="abuse",
        category_id=Category.objects.get(code="profanity").pk,
    )
    client.force_login(comms_staff)
    page = client.get(
        reverse("moderation:item_detail", kwargs={"pk": result.created[1]})
    ).content.decode()
    assert "Earlier on this channel: 1 × Remove and block the author" in page
    assert f"?item={result.created[1]}" in page


def test_median_time_to_decision(channel: OfficialAccount, comms_staff: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from moderation.selectors import queue_statistics

    result = items_import(
        actor=comms_staff,
        channel_id=channel.pk,
        rows=[ItemData(text=f"t{n}") for n in range(3)],
        source="csv",
    )
    now = timezone.now()
    for hours, pk in zip((1, 2, 9), result.created, strict=True):
        Item.objects.filter(pk=pk).update(created_at=now - timedelta(hours=hours))
        item_decide(actor=comms_staff, item_id=pk, outcome="keep", reason="ok")
    stats = queue_statistics()
    assert stats.decisions_counted == 3
    assert stats.median_hours_to_decision == 2.0


def test_forms_take_their_field_lists_from_the_services() -> None:
    from moderation import forms
    from moderation.services.categories import CATEGORY_FIELDS
    from moderation.services.decisions import DECISION_FIELDS
    from moderation.services.incidents import INCIDENT_FIELDS
    from moderation.services.items import ITEM_FIELDS
    from moderation.services.removals import REMOVAL_REQUEST_FIELDS

    def fields(form: object) -> list[str]:
        return list(getattr(form, "base_fields", {}))

    assert set(fields(forms.ItemForm)) == {"channel", *ITEM_FIELDS, "categories"}
    assert set(fields(forms.DecisionForm)) == set(DECISION_FIELDS)
    assert set(fields(forms.IncidentForm)) == {*INCIDENT_FIELDS, "channel"}
    assert set(fields(forms.RemovalRequestForm)) == {*REMOVAL_REQUEST_FIELDS, "item"}
    assert tuple(fields(forms.CategoryForm)) == CATEGORY_FIELDS

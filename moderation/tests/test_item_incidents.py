"""Reporting an incident from an item: pre-linked, scoped to the items the user may see."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts_registry.models import OfficialAccount
from moderation.errors import ModerationError
from moderation.models import Category, Incident, Item
from moderation.selectors import suggested_incident_kind
from moderation.services.incidents import incident_report
from moderation.services.items import ItemData, item_create
from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.factories import make_user

from .factories import end_channel_admin, make_channel_admin


@pytest.fixture
def item(channel: OfficialAccount, comms_staff: User) -> Item:
    made, _ = item_create(
        actor=comms_staff,
        channel_id=channel.pk,
        data=ItemData(
            text="You lecturers are a disgrace, we know where you park", author_handle="x"
        ),
    )
    return made


def incident_url(pk: int) -> str:
    return reverse("moderation:item_incident", kwargs={"pk": pk})


def form_data(**extra: object) -> dict[str, object]:
    return {"kind": "policy_breach", "title": "Abuse", "description": "Replies to a lecturer"} | (
        extra
    )


def test_item_page_links_to_the_pre_linked_form(
    client: Client, item: Item, channel_admin: User
) -> None:
    client.force_login(channel_admin)
    page = client.get(reverse("moderation:item_detail", kwargs={"pk": item.pk})).content.decode()
    assert f'href="{incident_url(item.pk)}"' in page
    assert "Report an incident about this item" in page
    response = client.get(incident_url(item.pk))
    page = response.content.decode()
    assert response.context["item"] == item
    assert item.excerpt in page and str(item.channel) in page
    assert "channel" not in response.context["form"].fields
    assert response.context["form"]["kind"].value() == Incident.Kind.POLICY_BREACH


def test_report_from_item_links_it_audits_and_emails_comms(
    client: Client,
    item: Item,
    channel: OfficialAccount,
    other_channel: OfficialAccount,
    channel_admin: User,
    comms_staff: User,
    django_capture_on_commit_callbacks,
) -> None:
    client.force_login(channel_admin)
    with django_capture_on_commit_callbacks(execute=True):
        # A forged channel is ignored: the incident concerns the item's channel.
        response = client.post(incident_url(item.pk), form_data(channel=other_channel.pk))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:incident_detail", kwargs={"pk": incident.pk})
    assert (incident.item, incident.channel, incident.reported_by) == (item, channel, channel_admin)
    event = AuditEvent.objects.for_object(incident).get()
    assert event.action == "moderation.incident.reported"
    assert event.new["item"] == item.pk and event.new["channel"] == channel.pk
    assert [m.to for m in mail.outbox] == [[comms_staff.email]]
    assert f"item #{item.pk}" in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("moderation:item_detail", kwargs={"pk": item.pk})}"' in page


def test_kind_is_a_suggestion_the_reporter_can_change(
    client: Client, channel: OfficialAccount, channel_admin: User
) -> None:
    threat, _ = item_create(
        actor=channel_admin,
        channel_id=channel.pk,
        data=ItemData(text="Watch your back"),
        category_ids=[c.pk for c in [Category.objects.get(code="threat")]],
    )
    assert suggested_incident_kind(item=threat) == Incident.Kind.STAFF_HARASSMENT
    client.force_login(channel_admin)
    form = client.get(incident_url(threat.pk)).context["form"]
    assert form["kind"].value() == Incident.Kind.STAFF_HARASSMENT
    client.post(incident_url(threat.pk), form_data(kind="security_breach"))
    assert Incident.objects.get().kind == Incident.Kind.SECURITY_BREACH


def test_item_the_user_may_not_see_is_404_and_nothing_is_created(
    client: Client, item: Item, other_admin: User, django_capture_on_commit_callbacks
) -> None:
    client.force_login(other_admin)
    assert client.get(incident_url(item.pk)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(incident_url(item.pk), form_data()).status_code == 404
    assert not Incident.objects.exists() and not mail.outbox
    plain_staff = make_user(Role.STAFF)
    client.force_login(plain_staff)
    assert client.post(incident_url(item.pk), form_data()).status_code == 404
    assert not Incident.objects.exists()


def test_bogus_item_id_is_404(client: Client, item: Item, comms_staff: User) -> None:
    client.force_login(comms_staff)
    assert client.get(incident_url(item.pk + 1000)).status_code == 404
    assert client.post(incident_url(item.pk + 1000), form_data()).status_code == 404
    assert client.get(f"/moderation/items/{item.pk}x/incident/").status_code == 404
    assert not Incident.objects.exists()


def test_service_refuses_an_item_the_actor_may_not_see(
    item: Item, other_admin: User, channel_admin: User, other_channel: OfficialAccount
) -> None:
    with pytest.raises(ModerationError, match="no moderation item"):
        incident_report(
            actor=other_admin, kind="policy_breach", title="t", description="d", item_id=item.pk
        )
    with pytest.raises(ModerationError, match="another official account"):
        incident_report(
            actor=channel_admin,
            kind="policy_breach",
            title="t",
            description="d",
            item_id=item.pk,
            channel_id=other_channel.pk,
        )
    assert not Incident.objects.exists()


def test_timeline_shows_the_incident(
    client: Client, item: Item, channel: OfficialAccount, channel_admin: User, comms_staff: User
) -> None:
    incident = incident_report(
        actor=channel_admin,
        kind="staff_harassment",
        title="Abuse",
        description="d",
        item_id=item.pk,
    )
    timeline = reverse("moderation:item_timeline", kwargs={"pk": item.pk})
    detail = reverse("moderation:incident_detail", kwargs={"pk": incident.pk})
    client.force_login(comms_staff)
    page = client.get(timeline).content.decode()
    assert f'<a href="{detail}">Incident #{incident.pk} reported</a>' in page
    assert str(channel_admin) in page and "Harassment of staff" in page

    # Another admin of the channel sees that an incident exists, not who reported what.
    colleague = make_user(Role.STAFF)
    make_channel_admin(colleague, channel)
    client.force_login(colleague)
    page = client.get(timeline).content.decode()
    assert f"Incident #{incident.pk} reported" in page
    assert detail not in page and str(channel_admin) not in page
    assert "Harassment of staff" not in page


def test_incident_page_links_the_item_only_for_those_who_may_see_it(
    client: Client, item: Item, channel: OfficialAccount, channel_admin: User
) -> None:
    incident = incident_report(
        actor=channel_admin, kind="policy_breach", title="t", description="d", item_id=item.pk
    )
    detail = reverse("moderation:incident_detail", kwargs={"pk": incident.pk})
    item_url = reverse("moderation:item_detail", kwargs={"pk": item.pk})
    client.force_login(channel_admin)
    assert item_url in client.get(detail).content.decode()
    end_channel_admin(channel_admin, channel)
    page = client.get(detail).content.decode()
    assert item_url not in page and item.excerpt not in page
    assert "a moderation item you cannot open" in page


def test_alumni_get_403(client: Client, item: Item, alumnus: User) -> None:
    client.force_login(alumnus)
    assert client.get(incident_url(item.pk)).status_code == 403

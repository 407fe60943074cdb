"""Events keep their own time zone: the form reads and shows it, pages name it, feeds carry it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from groups.errors import GroupsError
from groups.forms import RequestForm
from groups.models import AlumniGroup, GroupRequest
from groups.services.requests import request_ask_changes, request_schedule
from groups.tests.factories import make_member, make_request
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

NAIROBI = ZoneInfo("Africa/Nairobi")  # UTC+3 all year


def _next_year(month: int, day: int, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime(timezone.now().year + 1, month, day, hour, minute, tzinfo=zone)


def form_data(**overrides: str) -> dict[str, str]:
    start = _next_year(3, 12, 18, 30, NAIROBI)
    data = {
        "kind": GroupRequest.Kind.EVENT_EMAIL,
        "title": "Nairobi networking evening",
        "content": "Drinks and talks.",
        "audience": GroupRequest.Audience.MEMBERS,
        "event_start": start.strftime("%Y-%m-%dT18:30"),
        "event_end": start.strftime("%Y-%m-%dT21:00"),
        "event_timezone": "Africa/Nairobi",
        "event_venue": "Serena Hotel, Nairobi",
        "event_url": "https://example.org/nairobi",
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff() -> User:
    return make_user(Role.ENGAGEMENT_STAFF)


@pytest.fixture
def nairobi_event(group: AlumniGroup, committee: User, staff: User) -> GroupRequest:
    """A scheduled (so public) event at 18:30 Nairobi time."""
    start = _next_year(3, 12, 18, 30, NAIROBI)
    req = make_request(
        group,
        committee,
        kind=GroupRequest.Kind.EVENT_EMAIL,
        title="Nairobi networking evening",
        event_start=start,
        event_end=start + timedelta(hours=2, minutes=30),
        event_timezone="Africa/Nairobi",
        event_venue="Serena Hotel, Nairobi",
    )
    return request_schedule(
        actor=staff, request_id=req.pk, scheduled_for=timezone.now() + timedelta(days=1)
    )


def test_form_reads_the_times_in_the_events_zone() -> None:
    form = RequestForm(form_data())
    assert form.is_valid(), form.errors
    start = form.cleaned_data["event_start"]
    assert start.astimezone(UTC).hour == 15 and start.astimezone(UTC).minute == 30
    assert form.details().event_timezone == "Africa/Nairobi"


def test_zone_defaults_to_london_and_unknown_zones_are_refused() -> None:
    data = form_data()
    del data["event_timezone"]
    form = RequestForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["event_timezone"] == "Europe/London"
    assert form.cleaned_data["event_start"].tzinfo == ZoneInfo("Europe/London")
    assert not RequestForm(form_data(event_timezone="Mars/Olympus_Mons")).is_valid()


def test_service_refuses_an_unknown_zone(group: AlumniGroup, committee: User) -> None:
    with pytest.raises(GroupsError) as error:
        make_request(group, committee, event_timezone="Mars/Olympus_Mons")
    assert error.value.field == "event_timezone"


def test_edit_form_shows_the_venues_clock(nairobi_event: GroupRequest) -> None:
    html = str(RequestForm(instance=nairobi_event)["event_start"])
    start = nairobi_event.event_start_local
    assert start is not None
    assert 'value="' + start.strftime("%Y-%m-%dT18:30") + '"' in html
    zone = str(RequestForm(instance=nairobi_event)["event_timezone"])
    assert '<option value="Africa/Nairobi" selected>' in zone


def test_resubmission_keeps_the_zone_and_the_local_time(
    client: Client, group: AlumniGroup, committee: User, staff: User
) -> None:
    make_member(group)
    client.force_login(committee)
    assert client.post("/groups/g/kenya/requests/new/", form_data()).status_code == 302
    req = GroupRequest.objects.get()
    request_ask_changes(actor=staff, request_id=req.pk, message="Add the dress code")
    page = client.get(f"/groups/g/kenya/requests/{req.pk}/resubmit/").content.decode()
    assert req.event_start_local is not None
    assert req.event_start_local.strftime("%Y-%m-%dT18:30") in page
    response = client.post(
        f"/groups/g/kenya/requests/{req.pk}/resubmit/", form_data(content="Smart casual.")
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.event_timezone == "Africa/Nairobi"
    assert req.event_start is not None and req.event_start.astimezone(UTC).hour == 15


def test_pages_show_the_time_with_its_zone(
    client: Client, nairobi_event: GroupRequest, committee: User, staff: User
) -> None:
    assert nairobi_event.event_when.endswith("18:30 to 21:00 (Africa/Nairobi)")
    for url in ("/groups/events/", "/groups/g/kenya/"):
        body = client.get(url).content.decode()
        assert "18:30 to 21:00 (Africa/Nairobi)" in body, url
        assert "(Africa/Nairobi)" in body and "15:30" not in body
        assert f"/groups/events/{nairobi_event.pk}.ics" in body
    client.force_login(committee)
    body = client.get(f"/groups/g/kenya/requests/{nairobi_event.pk}/").content.decode()
    assert "18:30 to 21:00 (Africa/Nairobi)" in body
    client.force_login(staff)
    body = client.get(f"/groups/staff/requests/{nairobi_event.pk}/").content.decode()
    assert "18:30 to 21:00 (Africa/Nairobi)" in body


def _only_event(content: bytes) -> tuple[Calendar, Any]:
    cal = Calendar.from_ical(content)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


@pytest.mark.parametrize("url", ["/groups/events.ics", "/groups/g/kenya/events.ics", "event"])
def test_feeds_carry_the_zone(client: Client, nairobi_event: GroupRequest, url: str) -> None:
    url = f"/groups/events/{nairobi_event.pk}.ics" if url == "event" else url
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "DTSTART;TZID=Africa/Nairobi:" in text and "T183000" in text
    cal, event = _only_event(response.content)
    [zone] = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Africa/Nairobi"
    start = event.decoded("dtstart")
    assert start.astimezone(UTC) == nairobi_event.event_start
    assert str(event["location"]) == "Serena Hotel, Nairobi"


def test_a_london_event_is_in_london_time(
    client: Client, group: AlumniGroup, committee: User, staff: User
) -> None:
    start = _next_year(7, 1, 19, 0, ZoneInfo("Europe/London"))  # BST: 18:00 UTC
    req = make_request(group, committee, title="Summer party", event_start=start)
    request_schedule(actor=staff, request_id=req.pk, scheduled_for=timezone.now() + timedelta(1))
    text = client.get(f"/groups/events/{req.pk}.ics").content.decode()
    assert "DTSTART;TZID=Europe/London:" in text and "T190000" in text
    assert "19:00 (Europe/London)" in client.get("/groups/events/").content.decode()


def test_event_ics_is_only_for_public_events(
    client: Client, group: AlumniGroup, committee: User
) -> None:
    submitted = make_request(group, committee, event_start=timezone.now() + timedelta(days=3))
    assert client.get(f"/groups/events/{submitted.pk}.ics").status_code == 404
    assert client.get("/groups/events/999999.ics").status_code == 404

"""Pages: form errors, escaping, counts never addresses, feeds, the report and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from groups.models import GroupRequest, Membership
from groups.reports import sla_months_changed
from groups.services.requests import request_schedule, request_start
from groups.tests.factories import make_member, make_request
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_user(Role.ENGAGEMENT_STAFF)


def form_data(**overrides):
    data = {
        "kind": GroupRequest.Kind.NEWSLETTER,
        "title": "Autumn drinks",
        "content": "Join us.",
        "audience": GroupRequest.Audience.MEMBERS,
    }
    data.update(overrides)
    return data


def test_request_form_errors(client, group, committee):
    client.force_login(committee)
    url = "/groups/g/kenya/requests/new/"
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    cases = [
        (form_data(title=""), "This field is required"),
        (form_data(content="x" * 5001), "at most 5000 characters"),
        (form_data(preferred_date=yesterday), "The preferred date is in the past"),
        (
            form_data(kind=GroupRequest.Kind.EVENT_EMAIL),
            "An event promotion needs the event&#x27;s start time",
        ),
        (
            form_data(event_start=f"{yesterday}T18:00"),
            "The event start is in the past",
        ),
        # Nobody in the group consents yet: an email audience is refused by the service.
        (form_data(), "No member of this group has agreed to receive its emails"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), message
    assert not GroupRequest.objects.exists()
    make_member(group)
    response = client.post(url, form_data())
    req = GroupRequest.objects.get()
    assert response["Location"] == f"/groups/g/kenya/requests/{req.pk}/"


def test_html_in_content_is_shown_as_text(client, group, committee, staff):
    req = make_request(group, committee, title="<b>Bold</b>", content='<script>alert("x")</script>')
    for user, url in (
        (committee, f"/groups/g/kenya/requests/{req.pk}/"),
        (staff, f"/groups/staff/requests/{req.pk}/"),
    ):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "&lt;script&gt;alert" in body
        assert "<b>Bold</b>" not in body


def test_committee_sees_counts_never_addresses(
    client, group, committee, staff, django_capture_on_commit_callbacks
):
    members = [make_member(group) for _ in range(3)]
    req = make_request(group, committee)
    request_start(actor=staff, request_id=req.pk)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/groups/staff/requests/{req.pk}/send/", {"subject": "Hi", "body": "Hello"})
    client.force_login(committee)
    pages = [
        "/groups/g/kenya/committee/",
        f"/groups/g/kenya/requests/{req.pk}/",
        "/groups/g/kenya/requests/new/",
        "/groups/g/kenya/",
        "/dashboard/",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        for m in members:
            assert m.user.email not in body, url
    body = client.get(f"/groups/g/kenya/requests/{req.pk}/").content.decode()
    assert "Email sent to 3 members" in body, body[body.find("<main") :]


def test_staff_member_list_is_audited(client, group, staff):
    members = [make_member(group) for _ in range(2)]
    client.force_login(staff)
    body = client.get("/groups/staff/groups/kenya/members/").content.decode()
    assert all(m.user.email in body for m in members)
    viewed = AuditEvent.objects.filter(action="portal.personal_data.viewed", actor=staff)
    assert viewed.count() == 2


def test_public_pages_and_feeds_show_events_but_not_private_groups(client, group, committee, staff):
    from groups.services.presences import presence_confirm_disclaimer, presence_register

    start = timezone.now() + timedelta(days=10)
    req = make_request(
        group,
        committee,
        kind=GroupRequest.Kind.EVENT_EMAIL,
        title="Nairobi dinner",
        event_start=start,
        event_end=start + timedelta(hours=2),
        event_venue="Serena Hotel",
    )
    hidden = make_request(group, committee, title="Not yet approved", event_start=start)
    request_schedule(actor=staff, request_id=req.pk, scheduled_for=timezone.now() + timedelta(1))
    presence_register(
        actor=committee,
        group_id=group.pk,
        kind="messaging",
        platform="telegram",
        name="Secret chat",
    )
    shown = presence_register(
        actor=committee,
        group_id=group.pk,
        kind="social",
        platform="facebook",
        name="Kenya on Facebook",
        url="https://facebook.com/kenya",
    )
    presence_confirm_disclaimer(actor=committee, presence_id=shown.pk)
    presence_register(
        actor=committee,
        group_id=group.pk,
        kind="website",
        platform="website",
        name="Unconfirmed website",
        url="https://kenya-alumni.example.org",
    )
    body = client.get("/groups/g/kenya/").content.decode()
    assert "Nairobi dinner" in body and "Kenya on Facebook" in body
    assert "Secret chat" not in body and hidden.title not in body
    assert "Unconfirmed website" not in body  # no disclaimer confirmed: never listed publicly
    assert "Nairobi dinner" in client.get("/groups/events/").content.decode()
    for url in ("/groups/events.ics", "/groups/g/kenya/events.ics"):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/calendar")
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert [str(e["summary"]) for e in events] == ["Nairobi dinner"]
        assert str(events[0]["location"]) == "Serena Hotel"


def test_directory_lists_groups(client, group, other_group):
    body = client.get("/groups/?q=kenya").content.decode()
    assert "Alumni Group of Kenya" in body and "New York Alumni" not in body


def test_resubmission_through_the_page(client, group, committee, staff):
    from groups.services.requests import request_ask_changes

    make_member(group)
    req = make_request(group, committee)
    request_ask_changes(actor=staff, request_id=req.pk, message="Shorter please")
    client.force_login(committee)
    page = client.get(f"/groups/g/kenya/requests/{req.pk}/resubmit/").content.decode()
    assert "Shorter please" in page
    response = client.post(
        f"/groups/g/kenya/requests/{req.pk}/resubmit/",
        form_data(content="Short.", note="Shortened"),
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == GroupRequest.Status.SUBMITTED and req.content == "Short."


def test_staff_actions_through_the_page(client, group, committee, staff):
    req = make_request(group, committee)
    client.force_login(staff)
    base = f"/groups/staff/requests/{req.pk}/do"
    client.post(f"{base}/start/")
    req.refresh_from_db()
    assert req.status == GroupRequest.Status.IN_PROGRESS
    response = client.post(f"{base}/start/", follow=True)  # wrong state: a message, no change
    assert "so you cannot start work on it now" in response.content.decode()
    client.post(f"{base}/decline/", {"reason": ""})
    req.refresh_from_db()
    assert req.status == GroupRequest.Status.IN_PROGRESS
    assert client.post(f"{base}/nonsense/").status_code == 404


def test_sla_csv(client, group, committee, staff):
    req = make_request(group, committee)
    request_start(actor=staff, request_id=req.pk)
    client.force_login(staff)
    response = client.get("/groups/staff/sla.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("month,requests submitted")
    assert len(lines) == 13
    assert lines[-1].startswith(f"{timezone.localtime():%Y-%m},1,")
    page = client.get("/groups/staff/sla/").content.decode()
    assert "<svg" in page and "<table" in page


def _bulk_requests(group, user, count):
    now = timezone.now()
    GroupRequest.objects.bulk_create(
        [
            GroupRequest(
                group=group,
                created_by=user,
                kind=GroupRequest.Kind.NEWSLETTER,
                title=f"Request {i}",
                content="Text",
                submitted_at=now - timedelta(days=i % 300),
                due_at=now + timedelta(hours=i % 50 - 20),
                first_response_at=now - timedelta(days=i % 300) + timedelta(hours=3)
                if i % 2
                else None,
                first_response_hours=3.0 if i % 2 else None,
                status=GroupRequest.Status.SENT if i % 3 == 0 else GroupRequest.Status.SUBMITTED,
                sent_at=now if i % 3 == 0 else None,
            )
            for i in range(count)
        ]
    )
    # A bulk insert sends no save signals: tell the SLA report its months changed.
    sla_months_changed(*(now - timedelta(days=i % 300) for i in range(count)))


# The exact number of queries per page, the same for 10 requests and for 1,000: a page that
# starts querying per row fails here, and so does one that adds a query to every view.
# The SLA report's two aggregates run when its months changed (the bulk inserts say so, as every
# save does); a view of unchanged months reads them from the cache.
QUERIES = {
    "/groups/staff/queue/": 5,
    "/groups/staff/sla/": 4,
    "/groups/staff/sla.csv": 4,
    "/groups/g/kenya/committee/": 8,
}
SLA_AGGREGATES = 2


@pytest.mark.parametrize("url", sorted(QUERIES))
def test_list_pages_run_a_fixed_number_of_queries(
    client, group, committee, staff, url, django_assert_num_queries
):
    client.force_login(committee if "/g/kenya/" in url else staff)
    client.get(url)  # warm caches (content types, sessions, roles)
    _bulk_requests(group, committee, 10)
    with django_assert_num_queries(QUERIES[url]):
        assert client.get(url).status_code == 200
    _bulk_requests(group, committee, 990)
    with django_assert_num_queries(QUERIES[url]):
        assert client.get(url).status_code == 200
    if "/sla" in url:
        with django_assert_num_queries(QUERIES[url] - SLA_AGGREGATES):
            assert client.get(url).status_code == 200


def test_unsubscribe_page_for_left_member_is_harmless(client, group):
    from groups.services.communications import unsubscribe_token
    from groups.services.groups import membership_leave

    membership = make_member(group)
    membership_leave(actor=membership.user, membership_id=membership.pk)
    response = client.post(f"/groups/unsubscribe/{unsubscribe_token(membership.pk)}/")
    assert response.status_code == 200
    assert not Membership.objects.get(pk=membership.pk).email_consent


def test_dashboard_panels(client, group, committee, staff, alumnus):
    make_request(group, committee)
    client.force_login(staff)
    assert "1 open request" in client.get("/dashboard/").content.decode()
    client.force_login(committee)
    assert "Alumni Group of Kenya" in client.get("/dashboard/").content.decode()
    client.force_login(alumnus)
    assert "You have not joined an alumni group yet" in client.get("/dashboard/").content.decode()

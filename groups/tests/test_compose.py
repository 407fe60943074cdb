"""Composing: the email carries the event, staff preview it and send a test to themselves."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from groups.errors import GroupsError
from groups.models import AlumniGroup, Communication, Delivery, GroupRequest
from groups.services.communications import communication_create
from groups.services.compose import communication_preview, communication_test_send
from groups.services.requests import request_start
from groups.tests.factories import make_member, make_request
from portal.mail import email_as_sent
from portal.models import AuditEvent, OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

NAIROBI_EVENING = "Thursday 12 Mar 2099, 18:30 to 21:00 (Africa/Nairobi)"
BODY = "Join us <script>alert(1)</script> & friends."


@pytest.fixture
def staff() -> User:
    return make_user(Role.ENGAGEMENT_STAFF)


@pytest.fixture
def event(group: AlumniGroup, committee: User, staff: User) -> GroupRequest:
    for _ in range(2):
        make_member(group)
    start = datetime(2099, 3, 12, 18, 30, tzinfo=ZoneInfo("Africa/Nairobi"))
    req = make_request(
        group,
        committee,
        kind=GroupRequest.Kind.EVENT_EMAIL,
        title="Nairobi networking evening",
        event_start=start,
        event_end=start + timedelta(hours=2, minutes=30),
        event_timezone="Africa/Nairobi",
        event_venue="Serena Hotel, Nairobi",
        event_url="https://example.org/nairobi",
    )
    return request_start(actor=staff, request_id=req.pk)


def test_the_email_carries_the_events_time_venue_and_link(
    event: GroupRequest, staff: User, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        communication_create(actor=staff, request_id=event.pk, subject="Evening", body=BODY)
    sent = [m for m in mail.outbox if m.subject == "Evening"]
    assert len(sent) == 2
    message = sent[0]
    assert isinstance(message, EmailMultiAlternatives)
    text, html = message.body, str(message.alternatives[0][0])
    for part in (text, html):
        assert NAIROBI_EVENING in part
        assert "Serena Hotel, Nairobi" in part and "https://example.org/nairobi" in part
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "15:30" not in text and "<script>alert(1)</script>" in text  # plain text as typed


def test_preview_is_what_members_get(event: GroupRequest, staff: User) -> None:
    preview = communication_preview(actor=staff, request_id=event.pk, subject="Evening", body=BODY)
    assert NAIROBI_EVENING in preview.text and NAIROBI_EVENING in preview.html
    assert "&lt;script&gt;" in preview.html and "<script>" not in preview.html
    communication = communication_create(
        actor=staff, request_id=event.pk, subject="Evening", body=BODY
    )
    from groups.services.communications import communication_send_batch

    communication_send_batch(communication_id=communication.pk, batch=0)
    copy = OutboundEmail.objects.filter(category="groups.communication").first()
    assert copy is not None
    real = email_as_sent(copy)
    # Identical but for the unsubscribe link, which is each member's own.
    cut = "Unsubscribe from"
    assert real.body_text.split(cut)[0] == preview.text.split(cut)[0]
    assert (
        real.body_html.split(cut)[0].rsplit("<a href", 1)[0]
        == (preview.html.split(cut)[0].rsplit("<a href", 1)[0])
    )


def test_test_send_mails_only_the_staff_member_and_is_audited(
    event: GroupRequest, staff: User
) -> None:
    communication_test_send(actor=staff, request_id=event.pk, subject="Evening", body=BODY)
    [email] = OutboundEmail.objects.all()
    assert email.to == staff.email and email.subject == "[Test] Evening"
    assert NAIROBI_EVENING in email.body_text
    audit = AuditEvent.objects.get(action="groups.communication.test_sent")
    assert audit.actor == staff and audit.new["to"] == staff.email
    # Not a send: no communication, no delivery, the request has not moved.
    assert not Communication.objects.exists() and not Delivery.objects.exists()
    event.refresh_from_db()
    assert event.status == GroupRequest.Status.IN_PROGRESS and event.sent_at is None
    communication_create(actor=staff, request_id=event.pk, subject="Evening", body=BODY)


def test_test_send_refuses_the_wrong_actor_and_state(
    group: AlumniGroup, committee: User, event: GroupRequest
) -> None:
    with pytest.raises(GroupsError):
        communication_test_send(actor=committee, request_id=event.pk, subject="x", body="y")
    fresh = make_request(group, committee)  # submitted, not yet accepted
    staff = make_user(Role.ENGAGEMENT_STAFF)
    with pytest.raises(GroupsError):
        communication_test_send(actor=staff, request_id=fresh.pk, subject="x", body="y")
    with pytest.raises(GroupsError):
        communication_preview(actor=staff, request_id=fresh.pk, subject="x", body="y")
    assert not OutboundEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="groups.communication.test_sent").exists()


def test_compose_page_previews_and_test_sends(
    client: Client, event: GroupRequest, staff: User
) -> None:
    client.force_login(staff)
    url = f"/groups/staff/requests/{event.pk}/send/"
    data = {"subject": "Evening", "body": BODY}
    page = client.get(url).content.decode()
    assert "Send a test to me" in page and "Preview" in page
    body = client.post(url, {**data, "action": "preview"}).content.decode()
    assert "Preview: what members receive" in body
    # The HTML copy sits escaped in the frame's srcdoc; the user's script is escaped twice.
    assert 'sandbox=""' in body and 'srcdoc="&lt;!DOCTYPE html&gt;' in body
    assert "&amp;lt;script&amp;gt;" in body
    assert "<script>alert" not in body and NAIROBI_EVENING in body
    assert not OutboundEmail.objects.exists()
    body = client.post(url, {**data, "action": "test"}).content.decode()
    assert f"A test copy was sent to {staff.email}" in body
    assert OutboundEmail.objects.get().to == staff.email
    assert not Communication.objects.exists()
    response = client.post(url, {**data, "action": "send"})
    assert response.status_code == 302
    assert Communication.objects.get().recipient_count == 2

"""Central sending: batches, one delivery per recipient, retries, unsubscribe headers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings

from groups.errors import GroupsError
from groups.jobs import communication_dispatch_sweep
from groups.models import (
    Communication,
    ConsentEvent,
    Delivery,
    GroupRequest,
    Membership,
)
from groups.services.communications import (
    communication_create,
    communication_send_batch,
    unsubscribe_token,
)
from groups.services.requests import request_start
from groups.tests.factories import make_member, make_request
from portal.models import AuditEvent, OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_user(Role.ENGAGEMENT_STAFF)


@pytest.fixture
def started(group, committee, staff):
    members = [make_member(group) for _ in range(5)]
    make_member(group, consent=False)
    req = make_request(group, committee)
    request_start(actor=staff, request_id=req.pk)
    return req, members


@override_settings(GROUPS_SEND_BATCH_SIZE=2)
def test_send_in_batches_to_consenting_members_only(
    started, staff, django_capture_on_commit_callbacks
):
    req, _members = started
    with django_capture_on_commit_callbacks(execute=True):
        comm = communication_create(actor=staff, request_id=req.pk, subject="Hi", body="Body")
    # Five consenting members, batches of two; the non-consenting member is left out.
    assert comm.recipient_count == 5 and comm.batch_count == 3
    # Each delivery counts as sent once the outbox has sent it; the sweep records that.
    communication_dispatch_sweep()
    assert Delivery.objects.filter(communication=comm, status=Delivery.Status.SENT).count() == 5
    comm.refresh_from_db()
    req.refresh_from_db()
    assert comm.status == Communication.Status.SENT
    assert req.status == GroupRequest.Status.SENT and req.sent_at is not None
    sent = [m for m in mail.outbox if m.subject == "Hi"]
    recipients = sorted(m.to[0] for m in sent)
    consenting = Membership.objects.filter(group=req.group, email_consent=True)
    assert recipients == sorted(consenting.values_list("user__email", flat=True))
    message = sent[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/groups/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert "/groups/unsubscribe/" in message.body


@override_settings(GROUPS_SEND_BATCH_SIZE=2)
def test_retried_batch_never_mails_twice(started, staff):
    req, _ = started
    comm = communication_create(actor=staff, request_id=req.pk, subject="Hi", body="Body")
    assert communication_send_batch(communication_id=comm.pk, batch=0) == 2
    assert communication_send_batch(communication_id=comm.pk, batch=0) == 0  # retry
    assert OutboundEmail.objects.filter(category="groups.communication").count() == 2
    for batch in range(comm.batch_count):
        communication_send_batch(communication_id=comm.pk, batch=batch)
        communication_send_batch(communication_id=comm.pk, batch=batch)
    assert OutboundEmail.objects.filter(category="groups.communication").count() == 5
    assert Delivery.objects.filter(communication=comm).count() == 5


def test_member_who_withdrew_after_snapshot_is_skipped(started, staff):
    req, members = started
    comm = communication_create(actor=staff, request_id=req.pk, subject="Hi", body="Body")
    Client().post(f"/groups/unsubscribe/{unsubscribe_token(members[0].pk)}/")
    communication_send_batch(communication_id=comm.pk, batch=0)
    assert Delivery.objects.get(communication=comm, membership=members[0]).status == "skipped"
    assert OutboundEmail.objects.filter(category="groups.communication").count() == 4


def test_communication_rules(group, committee, staff, started):
    req, _ = started
    with pytest.raises(GroupsError):
        communication_create(actor=committee, request_id=req.pk, subject="x", body="y")
    communication_create(actor=staff, request_id=req.pk, subject="x", body="y")
    with pytest.raises(GroupsError):  # only one communication per request
        communication_create(actor=staff, request_id=req.pk, subject="x", body="y")
    from groups.services.requests import request_decline

    with pytest.raises(GroupsError):  # sending has begun: it can no longer be declined
        request_decline(actor=staff, request_id=req.pk, reason="Too late")
    fresh = make_request(group, committee)
    with pytest.raises(GroupsError):  # not yet accepted
        communication_create(actor=staff, request_id=fresh.pk, subject="x", body="y")


def test_one_click_unsubscribe_without_csrf_or_login(group):
    membership = make_member(group)
    client = Client(enforce_csrf_checks=True)
    url = f"/groups/unsubscribe/{unsubscribe_token(membership.pk)}/"
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    membership.refresh_from_db()
    assert membership.email_consent  # GET only asks
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert not membership.email_consent
    event = membership.consent_events.first()
    assert event.source == ConsentEvent.Source.UNSUBSCRIBE and not event.given
    assert client.post(url).status_code == 200  # twice is harmless
    assert membership.consent_events.count() == 2  # given once, withdrawn once


def test_forged_unsubscribe_token_is_404(group, client):
    membership = make_member(group)
    assert client.get(f"/groups/unsubscribe/{membership.pk}/").status_code == 404
    assert client.post("/groups/unsubscribe/not-a-token/").status_code == 404


@override_settings(GROUPS_SEND_BATCH_SIZE=2)
def test_batches_lost_to_a_broker_outage_are_resumed_once(
    started, staff, django_capture_on_commit_callbacks
):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from groups.jobs import communication_dispatch_sweep

    req, _ = started
    # No on_commit execution here: the batches never reached a broker.
    comm = communication_create(actor=staff, request_id=req.pk, subject="Hi", body="Body")
    assert comm.dispatched_at is not None
    assert communication_dispatch_sweep() == 0  # queued moments ago: not yet presumed lost
    later = timezone.now() + dt.timedelta(minutes=11)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert communication_dispatch_sweep() == 3
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert (
            communication_dispatch_sweep() == 0
        )  # finished: nothing to resume, nobody mailed twice
    comm.refresh_from_db()
    req.refresh_from_db()
    assert comm.status == Communication.Status.SENT and req.status == GroupRequest.Status.SENT
    assert OutboundEmail.objects.filter(category="groups.communication").count() == 5
    assert AuditEvent.objects.filter(action="groups.communication.resumed").count() == 1


def test_scheduled_email_goes_out_at_its_time(
    group, committee, staff, django_capture_on_commit_callbacks
):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from groups.jobs import communication_dispatch_sweep
    from groups.services.requests import request_schedule

    for _ in range(3):
        make_member(group)
    req = make_request(group, committee)
    send_at = timezone.now() + dt.timedelta(days=2)
    request_schedule(actor=staff, request_id=req.pk, scheduled_for=send_at)
    with django_capture_on_commit_callbacks(execute=True):
        comm = communication_create(actor=staff, request_id=req.pk, subject="Soon", body="Body")
    assert comm.dispatched_at is None and comm.release_at == send_at
    assert not OutboundEmail.objects.filter(category="groups.communication").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert communication_dispatch_sweep() == 0  # not yet
    with (
        time_machine.travel(send_at + dt.timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert communication_dispatch_sweep() == 1
        assert communication_dispatch_sweep() == 0
    # The next minute's run finds the outbox done with every email and closes the request.
    with (
        time_machine.travel(send_at + dt.timedelta(minutes=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert communication_dispatch_sweep() == 0
    req.refresh_from_db()
    assert req.status == GroupRequest.Status.SENT
    assert OutboundEmail.objects.filter(category="groups.communication").count() == 3
    assert AuditEvent.objects.filter(action="groups.communication.released").count() == 1

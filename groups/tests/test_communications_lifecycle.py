"""A communication follows its request: every request transition against every email state,
and the honest delivery status committees and staff see."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.message import EmailMessage
from django.test import Client, override_settings
from django.utils import timezone

from groups.errors import GroupsError
from groups.jobs import communication_dispatch_sweep
from groups.models import AlumniGroup, Communication, Delivery, GroupRequest
from groups.services.communications import (
    communication_cancel,
    communication_create,
    communication_reschedule,
    communication_retry_failed,
    communication_send_batch,
)
from groups.services.requests import (
    request_ask_changes,
    request_decline,
    request_resubmit,
    request_schedule,
    request_start,
)
from groups.tests.factories import details, make_member, make_request
from portal.mail import email_deliver
from portal.models import AuditEvent, OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
C = Communication.Status
D = Delivery.Status
Capture = Callable[..., AbstractContextManager[Any]]
FAILING = "bounce@example.net"


class FlakyBackend(EmailBackend):
    """The locmem backend, refusing one address as an SMTP server would."""

    def send_messages(self, email_messages: Any) -> int:
        messages: list[EmailMessage] = list(email_messages)
        if any(FAILING in message.to for message in messages):
            raise ConnectionRefusedError(f"550 mailbox unavailable: {FAILING}")
        return super().send_messages(messages)


@pytest.fixture
def staff() -> User:
    return make_user(Role.ENGAGEMENT_STAFF)


@pytest.fixture
def req(group: AlumniGroup, committee: User) -> GroupRequest:
    for _ in range(3):
        make_member(group)
    return make_request(group, committee)


def sweep_later(capture: Capture, *, days: int = 30, runs: int = 2) -> list[int]:
    """Run the beat sweep at a later time, as the worker would (each run's tasks executed)."""
    results = []
    for minute in range(runs):
        moment = timezone.now() + dt.timedelta(days=days, minutes=minute)
        with time_machine.travel(moment, tick=False), capture(execute=True):
            results.append(communication_dispatch_sweep())
    return results


def emails_of(communication: Communication) -> int:
    return Delivery.objects.filter(communication=communication, email__isnull=False).count()


def reach(state: str, req: GroupRequest, staff: User, capture: Capture) -> Communication:
    """A communication in ``state``, reached through the services only."""
    if state in (C.SCHEDULED, C.CANCELLED):
        later = timezone.now() + dt.timedelta(days=2)
        request_schedule(actor=staff, request_id=req.pk, scheduled_for=later)
        comm = communication_create(actor=staff, request_id=req.pk, subject="v1", body="Body")
        if state == C.CANCELLED:
            communication_cancel(actor=staff, communication_id=comm.pk)
    elif state == C.SENDING:  # batches queued, the broker has not delivered them yet
        request_start(actor=staff, request_id=req.pk)
        comm = communication_create(actor=staff, request_id=req.pk, subject="v1", body="Body")
    else:
        request_start(actor=staff, request_id=req.pk)
        with capture(execute=True):
            comm = communication_create(actor=staff, request_id=req.pk, subject="v1", body="Body")
        communication_dispatch_sweep()
    comm.refresh_from_db()
    assert comm.status == state
    return comm


def ask(staff: User, committee: User, req: GroupRequest, comm: Communication) -> object:
    return request_ask_changes(actor=staff, request_id=req.pk, message="Fix the date")


def decline(staff: User, committee: User, req: GroupRequest, comm: Communication) -> object:
    return request_decline(actor=staff, request_id=req.pk, reason="Not for us")


def resubmit(staff: User, committee: User, req: GroupRequest, comm: Communication) -> object:
    """The group answers a change request (asked for first, as it must be)."""
    request_ask_changes(actor=staff, request_id=req.pk, message="Fix the date")
    return request_resubmit(actor=committee, request_id=req.pk, details=details(title="v2"))


def send(staff: User, committee: User, req: GroupRequest, comm: Communication) -> object:
    return communication_create(actor=staff, request_id=req.pk, subject="v2", body="Body")


def cancel(staff: User, committee: User, req: GroupRequest, comm: Communication) -> object:
    return communication_cancel(actor=staff, communication_id=comm.pk)


def reschedule(staff: User, committee: User, req: GroupRequest, comm: Communication) -> object:
    later = timezone.now() + dt.timedelta(days=5)
    return communication_reschedule(actor=staff, communication_id=comm.pk, scheduled_for=later)


TRANSITIONS = {
    "ask": ask,
    "decline": decline,
    "resubmit": resubmit,
    "send": send,
    "cancel": cancel,
    "reschedule": reschedule,
}
# (transition, state) -> (allowed, the original communication's state afterwards)
EXPECTED: dict[tuple[str, str], tuple[bool, str]] = {
    ("ask", C.SCHEDULED): (True, C.CANCELLED),
    ("ask", C.SENDING): (False, C.SENDING),
    ("ask", C.SENT): (False, C.SENT),
    ("ask", C.CANCELLED): (True, C.CANCELLED),
    ("decline", C.SCHEDULED): (True, C.CANCELLED),
    ("decline", C.SENDING): (False, C.SENDING),
    ("decline", C.SENT): (False, C.SENT),
    ("decline", C.CANCELLED): (True, C.CANCELLED),
    ("resubmit", C.SCHEDULED): (True, C.CANCELLED),
    ("resubmit", C.SENDING): (False, C.SENDING),
    ("resubmit", C.SENT): (False, C.SENT),
    ("resubmit", C.CANCELLED): (True, C.CANCELLED),
    ("send", C.SCHEDULED): (False, C.SCHEDULED),
    ("send", C.SENDING): (False, C.SENDING),
    ("send", C.SENT): (False, C.SENT),
    ("send", C.CANCELLED): (True, C.CANCELLED),
    ("cancel", C.SCHEDULED): (True, C.CANCELLED),
    ("cancel", C.SENDING): (False, C.SENDING),
    ("cancel", C.SENT): (False, C.SENT),
    ("cancel", C.CANCELLED): (True, C.CANCELLED),  # a second cancel changes nothing
    ("reschedule", C.SCHEDULED): (True, C.SCHEDULED),
    ("reschedule", C.SENDING): (False, C.SENDING),
    ("reschedule", C.SENT): (False, C.SENT),
    ("reschedule", C.CANCELLED): (False, C.CANCELLED),
}


@pytest.mark.parametrize(("transition", "state"), sorted(EXPECTED))
def test_every_request_transition_against_every_email_state(
    transition: str,
    state: str,
    req: GroupRequest,
    staff: User,
    committee: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    comm = reach(state, req, staff, django_capture_on_commit_callbacks)
    allowed, after = EXPECTED[(transition, state)]
    if allowed:
        TRANSITIONS[transition](staff, committee, req, comm)
    else:
        with pytest.raises(GroupsError):
            TRANSITIONS[transition](staff, committee, req, comm)
    comm.refresh_from_db()
    assert comm.status == after
    sweep_later(django_capture_on_commit_callbacks)
    comm.refresh_from_db()
    recipients = comm.recipient_count
    if after == C.CANCELLED:  # a cancelled email never goes out, whatever happens next
        assert emails_of(comm) == 0
        assert set(comm.deliveries.values_list("status", flat=True)) == {D.CANCELLED}
    else:  # everything else goes out in the end, once to each member
        assert comm.status == C.SENT and emails_of(comm) == recipients
    sent_to = Counter(
        OutboundEmail.objects.filter(category="groups.communication").values_list("to", flat=True)
    )
    assert all(n == 1 for n in sent_to.values()), "nobody gets one version twice"


def test_scheduled_then_changes_sends_nothing_at_the_scheduled_time(
    req: GroupRequest, staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    comm = reach(C.SCHEDULED, req, staff, django_capture_on_commit_callbacks)
    request_ask_changes(actor=staff, request_id=req.pk, message="Wrong venue")
    assert sweep_later(django_capture_on_commit_callbacks, days=3) == [0, 0]
    assert not OutboundEmail.objects.filter(category="groups.communication").exists()
    comm.refresh_from_db()
    assert comm.status == C.CANCELLED and comm.deliveries.count() == 3  # rows kept, cancelled
    event = AuditEvent.objects.get(action="groups.communication.cancelled")
    assert event.actor == staff and event.new["deliveries"] == 3


def test_the_corrected_version_is_sent_once(
    req: GroupRequest, staff: User, committee: User, django_capture_on_commit_callbacks: Capture
) -> None:
    first = reach(C.SCHEDULED, req, staff, django_capture_on_commit_callbacks)
    request_ask_changes(actor=staff, request_id=req.pk, message="Wrong venue")
    request_resubmit(actor=committee, request_id=req.pk, details=details(title="Corrected"))
    request_start(actor=staff, request_id=req.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = communication_create(actor=staff, request_id=req.pk, subject="v2", body="Body")
    with pytest.raises(GroupsError):  # already sent: no second email for this version
        communication_create(actor=staff, request_id=req.pk, subject="v3", body="Body")
    sweep_later(django_capture_on_commit_callbacks, runs=3)
    req.refresh_from_db()
    second.refresh_from_db()
    assert req.status == GroupRequest.Status.SENT and second.status == C.SENT
    subjects = Counter((m.to[0], m.subject) for m in mail.outbox if m.subject.startswith("v"))
    assert set(subjects.values()) == {1} and len(subjects) == 3
    assert {subject for _, subject in subjects} == {"v2"}
    assert emails_of(first) == 0
    assert list(req.communications.values_list("status", flat=True)) == [C.SENT, C.CANCELLED]


def test_the_sweep_run_twice_sends_nothing_twice(
    req: GroupRequest, staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    comm = reach(C.SCHEDULED, req, staff, django_capture_on_commit_callbacks)
    assert sweep_later(django_capture_on_commit_callbacks, days=3, runs=3) == [1, 0, 0]
    assert OutboundEmail.objects.filter(category="groups.communication").count() == 3
    for batch in range(comm.batch_count):  # a duplicated batch task finds nothing left
        assert communication_send_batch(communication_id=comm.pk, batch=batch) == 0
    assert AuditEvent.objects.filter(action="groups.communication.released").count() == 1


def test_reschedule_moves_the_send_and_refuses_the_past(
    req: GroupRequest, staff: User, django_capture_on_commit_callbacks: Capture
) -> None:
    comm = reach(C.SCHEDULED, req, staff, django_capture_on_commit_callbacks)
    later = timezone.now() + dt.timedelta(days=10)
    communication_reschedule(actor=staff, communication_id=comm.pk, scheduled_for=later)
    with pytest.raises(GroupsError):
        communication_reschedule(
            actor=staff, communication_id=comm.pk, scheduled_for=timezone.now()
        )
    with pytest.raises(GroupsError):  # the committee cannot
        communication_cancel(actor=req.created_by, communication_id=comm.pk)
    req.refresh_from_db()
    assert req.scheduled_for == later
    assert sweep_later(django_capture_on_commit_callbacks, days=3) == [0, 0]  # old time: nothing
    assert sweep_later(django_capture_on_commit_callbacks, days=11)[0] == 1
    assert AuditEvent.objects.filter(action="groups.communication.rescheduled").count() == 1


def test_staff_cancel_and_reschedule_from_the_request_page(
    req: GroupRequest, staff: User, client: Client, django_capture_on_commit_callbacks: Capture
) -> None:
    comm = reach(C.SCHEDULED, req, staff, django_capture_on_commit_callbacks)
    client.force_login(staff)
    page = client.get(f"/groups/staff/requests/{req.pk}/").content.decode()
    value = timezone.localtime(comm.release_at).strftime("%Y-%m-%dT%H:%M")
    assert "Cancel this email" in page and f'value="{value}"' in page
    new_time = (timezone.localtime() + dt.timedelta(days=4)).replace(second=0, microsecond=0)
    url = f"/groups/staff/requests/{req.pk}/do/"
    client.post(url + "reschedule_email/", {"scheduled_for": new_time.strftime("%Y-%m-%dT%H:%M")})
    comm.refresh_from_db()
    assert comm.release_at == new_time
    client.post(url + "cancel_email/")
    comm.refresh_from_db()
    assert comm.status == C.CANCELLED
    page = client.get(f"/groups/staff/requests/{req.pk}/").content.decode()
    assert "Compose and send the corrected email" in page


# --- Honest delivery status -------------------------------------------------------------------


def committee_page(client: Client, committee: User, req: GroupRequest) -> str:
    client.force_login(committee)
    return client.get(f"/groups/g/{req.group.slug}/requests/{req.pk}/").content.decode()


def test_committee_counts_match_the_delivery_rows_and_never_say_sent_early(
    req: GroupRequest,
    staff: User,
    committee: User,
    client: Client,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    comm = reach(C.SENDING, req, staff, django_capture_on_commit_callbacks)
    communication_send_batch(communication_id=comm.pk, batch=0)  # in the outbox, not yet sent
    page = committee_page(client, committee, req)
    assert "Email sending: sent to 0 so far, 3 pending, 0 failed." in page
    assert "Email sent to" not in page
    first = Delivery.objects.filter(communication=comm).order_by("pk").first()
    assert first is not None and first.email_id is not None
    email_deliver(email_id=first.email_id)
    page = committee_page(client, committee, req)
    assert "sent to 1 so far, 2 pending, 0 failed" in page
    for delivery in Delivery.objects.filter(communication=comm):
        assert delivery.email_id is not None
        email_deliver(email_id=delivery.email_id)
    communication_dispatch_sweep()
    rows = Counter(Delivery.objects.filter(communication=comm).values_list("status", flat=True))
    assert rows == {D.SENT: 3}
    page = committee_page(client, committee, req)
    assert "Email sent to 3 members, 0 pending, 0 failed." in page


@override_settings(EMAIL_BACKEND="groups.tests.test_communications_lifecycle.FlakyBackend")
def test_a_failed_delivery_shows_to_staff_with_its_reason_and_is_retried_once(
    req: GroupRequest,
    staff: User,
    committee: User,
    client: Client,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    bouncing = make_member(req.group, email=FAILING)
    comm = reach(C.SENDING, req, staff, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):  # the batch, then the outbox
        communication_send_batch(communication_id=comm.pk, batch=0)
    failing = Delivery.objects.get(communication=comm, membership=bouncing)
    assert failing.email is not None
    for _ in range(OutboundEmail.MAX_ATTEMPTS - 1):  # the outbox's retries, then it gives up
        email_deliver(email_id=failing.email.pk)
    communication_dispatch_sweep()
    failing.refresh_from_db()
    assert failing.status == D.FAILED and "550 mailbox unavailable" in failing.error
    comm.refresh_from_db()
    assert comm.status == C.SENT

    page = committee_page(client, committee, req)
    assert "Email sent to 3 members, 0 pending, 1 failed." in page
    members = comm.deliveries.values_list("recipient__email", flat=True)
    assert not any(address in page for address in members), "the committee never sees who"

    client.force_login(staff)
    page = client.get(f"/groups/staff/requests/{req.pk}/").content.decode()
    assert FAILING in page and "550 mailbox unavailable" in page and "Retry 1 failed" in page

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/groups/staff/requests/{req.pk}/do/retry_email/")
        sweep_later(django_capture_on_commit_callbacks, days=0)
    failing.refresh_from_db()
    assert failing.status == D.SENT and failing.attempts == 2
    assert sum(FAILING in m.to for m in mail.outbox) == 1
    assert Counter(comm.deliveries.values_list("status", flat=True)) == {D.SENT: 4}
    with pytest.raises(GroupsError, match="No delivery"):  # only failed rows are retried
        communication_retry_failed(actor=staff, communication_id=comm.pk)
    assert AuditEvent.objects.filter(action="groups.communication.retried").count() == 1

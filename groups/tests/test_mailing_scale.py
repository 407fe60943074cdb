"""A group mailing at scale: set-based writes whose cost does not grow with the audience, the
mailing rendered once, and each member's copy over real SMTP the same as a full build."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alumni.models import Verification
from groups.models import AlumniGroup, Communication, Delivery, GroupRequest, Membership
from groups.services.communications import communication_create, communication_send_batch
from groups.services.mailing import membership_from_token
from groups.services.requests import request_start
from groups.tests.factories import make_committee, make_group, make_request
from portal.mail import emails_deliver
from portal.mail.messages import Composer
from portal.models import OutboundContent, OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user
from portal.tests.smtp_server import smtp_server

pytestmark = pytest.mark.django_db


def members(group: AlumniGroup, count: int, *, consent: bool = True) -> list[Membership]:
    """``count`` verified members at once (the factories would take a statement each)."""
    start = User.objects.count()
    users = User.objects.bulk_create(
        [User(email=f"member{start + n}@example.com", is_active=True) for n in range(count)]
    )
    now = timezone.now()
    Verification.objects.bulk_create(
        [Verification(user=u, status=Verification.Status.VERIFIED, requested_at=now) for u in users]
    )
    return Membership.objects.bulk_create(
        [Membership(group=group, user=u, email_consent=consent) for u in users]
    )


def statements(run: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's own transaction turns each atomic block into a savepoint; production has none.
    return result, len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def started_request(group: AlumniGroup) -> tuple[GroupRequest, User]:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    req = make_request(group, make_committee(group))
    request_start(actor=staff, request_id=req.pk)
    return req, staff


@pytest.mark.parametrize("count", [10, 1000])
def test_send_and_batch_cost_the_same_statements_for_10_or_1000(count: int, settings) -> None:
    settings.GROUPS_SEND_BATCH_SIZE = 5000
    ContentType.objects.get_for_models(Communication, GroupRequest)  # cached, as in a worker
    group = make_group()
    members(group, count)
    members(group, 3, consent=False)
    req, staff = started_request(group)
    audience = count
    communication, pressing = statements(
        lambda: communication_create(actor=staff, request_id=req.pk, subject="Hi", body="News")
    )
    assert communication.recipient_count == audience and communication.batch_count == 1
    # One member withdraws after the snapshot: skipped in the same statements.
    withdrawn = Membership.objects.filter(group=group, email_consent=True).order_by("pk").first()
    assert withdrawn is not None
    Membership.objects.filter(pk=withdrawn.pk).update(email_consent=False)
    written, batch = statements(
        lambda: communication_send_batch(communication_id=communication.pk, batch=0)
    )
    assert written == audience - 1
    assert (pressing, batch) == EXPECTED_STATEMENTS
    assert OutboundContent.objects.count() == 1  # rendered once
    deliveries = Delivery.objects.filter(communication=communication)
    assert deliveries.filter(status=Delivery.Status.SKIPPED).get().membership_id == withdrawn.pk
    copies = OutboundEmail.objects.filter(category="groups.communication")
    assert copies.count() == written == deliveries.filter(email__isnull=False).count()
    assert (
        not deliveries.exclude(email__isnull=True).exclude(email__ref=F("membership_id")).exists()
    )
    assert set(copies.values_list("body_text", flat=True)) == {""}  # no copy of the text


# Press Send: the request locked, the live communication looked for, the communication, the
# deliveries' INSERT ... SELECT, their counts, the audit row. The batch: the communication, its
# rows locked, the skip, the mailing rendered (the communication locked, its group, the content
# and its link), the copies' INSERT ... SELECT and their link; nothing left to write, so the
# closing check (lock, two syncs with the outbox, one look for queued rows).
EXPECTED_STATEMENTS = (6, 14)


def test_each_member_gets_their_own_link_and_the_fast_copy_is_the_full_one(group, settings) -> None:
    members(group, 4)
    req, staff = started_request(group)
    communication = communication_create(
        actor=staff, request_id=req.pk, subject="Reunion & dinner", body="Join us <b>soon</b>."
    )
    communication_send_batch(communication_id=communication.pk, batch=0)
    copies = list(OutboundEmail.objects.filter(category="groups.communication").order_by("pk"))
    composer = Composer(copies)
    for copy in copies:
        envelope = composer.envelope(copy)
        assert envelope is not None  # plain ASCII values: sent from the template
        fast = message_from_bytes(envelope[2], policy=policy.default)
        full = message_from_bytes(
            composer.message(copy, None).message().as_bytes(linesep="\r\n"),
            policy=policy.default,
        )
        for header in ("Subject", "From", "To", "List-Unsubscribe", "List-Unsubscribe-Post"):
            # Equal but for folding: a full build may fold a long header onto a second line.
            assert str(fast[header]).strip() == str(full[header]).strip(), header
        for kind in ("plain", "html"):
            fast_part, full_part = fast.get_body((kind,)), full.get_body((kind,))
            assert fast_part is not None and full_part is not None
            assert fast_part.get_content() == full_part.get_content()

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with smtp_server() as (server, port):
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        assert emails_deliver() == len(copies) == 4
    received = server.messages()
    assert len({m["Message-ID"] for m in received}) == 4
    by_member = {m.user.email: m.pk for m in Membership.objects.filter(group=group)}
    for message in received:
        link = str(message["List-Unsubscribe"]).strip("<>")
        assert membership_from_token(link.rstrip("/").rsplit("/", 1)[1]) == by_member[message["To"]]
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert link in text and link in html
        assert "Join us <b>soon</b>." in text and "Join us &lt;b&gt;soon&lt;/b&gt;." in html
        assert message["Subject"] == "Reunion & dinner"
    communication.refresh_from_db()
    assert communication.status == Communication.Status.SENDING  # until the sweep syncs


def test_an_address_that_is_not_plain_ascii_is_built_in_full(group) -> None:
    members(group, 1)
    req, staff = started_request(group)
    User.objects.filter(email__startswith="member").update(email="zoë@example.com")
    communication = communication_create(actor=staff, request_id=req.pk, subject="Hi", body="x")
    communication_send_batch(communication_id=communication.pk, batch=0)
    copy = OutboundEmail.objects.get(to="zoë@example.com")
    composer = Composer([copy])
    assert composer.envelope(copy) is None
    assert composer.message(copy, None).to == ["zoë@example.com"]


@pytest.mark.django_db(transaction=True)
def test_pressing_send_to_3000_with_a_silent_broker_contacts_it_once_and_mails_each_once(
    settings,
) -> None:
    """One request queuing 3,000 emails while the broker accepts connections and never
    answers: it is contacted at most once, nothing is lost, and when it is back the sweeps send
    every email exactly once."""
    import datetime as dt
    from unittest import mock

    import time_machine
    from django.core import mail
    from django.db import transaction

    from groups.jobs import communication_dispatch_sweep
    from portal import queue
    from portal.tasks import deliver_pending_email
    from portal.tests.test_outbox_batches import silent_broker

    settings.GROUPS_SEND_BATCH_SIZE = 1000
    group = make_group()
    members(group, 3000)
    req, staff = started_request(group)
    publish = mock.Mock(wraps=queue.publish_now)
    with silent_broker() as broker, mock.patch.object(queue, "publish_now", publish):
        with transaction.atomic():
            communication = communication_create(
                actor=staff, request_id=req.pk, subject="Reunion", body="Join us."
            )
        assert publish.call_count == 1 and broker.accepted <= 1
    # The send is recorded (3,000 queued deliveries in three batches), not lost with the message.
    deliveries = Delivery.objects.filter(communication=communication)
    assert deliveries.filter(status=Delivery.Status.QUEUED).count() == 3000
    assert communication.batch_count == 3
    # The broker is back (tasks run at once, as in the test settings): a minute later the
    # dispatch sweep resumes the three batches, and the outbox sweep sends what they wrote.
    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later, tick=True):
        assert communication_dispatch_sweep() == 3
        assert communication_dispatch_sweep() == 0
        while deliver_pending_email():
            pass
        communication_dispatch_sweep()  # takes the outbox's verdicts and closes the send
    recipients = [m.to[0] for m in mail.outbox if m.subject == "Reunion"]
    assert len(recipients) == 3000 == len(set(recipients))
    communication.refresh_from_db()
    assert communication.status == Communication.Status.SENT
    assert deliveries.filter(status=Delivery.Status.SENT).count() == 3000

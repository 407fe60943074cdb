"""Mail that scales: one broker contact per transaction, batches over one SMTP connection,
claims that a dead worker's successor takes over, and every email sent exactly once."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal import queue
from portal.mail import Mail, emails_deliver, emails_queue
from portal.models import OutboundEmail
from portal.tasks import deliver_pending_email
from portal.tests.test_background import celery_config


class SilentBroker:
    """A TCP server that accepts every connection, counts it, and never answers."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.accepted = 0
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


@contextmanager
def silent_broker() -> Iterator[SilentBroker]:
    broker = SilentBroker()
    broker.thread.start()
    try:
        with celery_config(
            broker_url=broker.url,
            task_always_eager=False,
            broker_transport_options=settings.REDIS_TRANSPORT_OPTIONS,
        ):
            yield broker
    finally:
        broker.close()


def _mails(count: int) -> list[Mail]:
    return [
        Mail(
            to=f"member{n}@example.com",
            subject="News from your group",
            template="portal/email/notice",
            context={"message": "It went out today.", "link": "/dashboard/"},
            category="portal.test",
        )
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_one_request_queuing_3000_emails_contacts_a_silent_broker_once() -> None:
    publish = mock.Mock(wraps=queue.publish_now)
    with (
        silent_broker() as broker,
        mock.patch.object(queue, "publish_now", publish),
        transaction.atomic(),
    ):
        emails_queue(_mails(3000))
        # A second call in the same transaction joins the same message.
        emails_queue([Mail(to="late@example.com", subject="P.S.", template="portal/email/notice")])
    assert publish.call_count == 1  # one publish attempt for 3,001 emails (16 batches)
    ((task, calls), _) = publish.call_args
    assert task.name == "portal.tasks.publish_many" and len(calls) == 16
    assert broker.accepted <= 1
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 3001
    # The broker is back: the sweep drains the outbox, and every recipient gets one email.
    sent = 0
    while batch := deliver_pending_email():  # each run stops after its time budget
        sent += batch
    assert sent == 3001
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == 3001 and len(set(recipients)) == 3001


@pytest.mark.django_db(transaction=True)
def test_health_reports_a_silent_broker_after_one_short_timeout(client) -> None:
    with silent_broker() as broker:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"
    assert broker.accepted <= 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_publishes_nothing_and_the_next_one_publishes_once() -> None:
    publish = mock.Mock(wraps=queue.publish_now)
    with mock.patch.object(queue, "publish_now", publish):
        with pytest.raises(RuntimeError), transaction.atomic():
            emails_queue(_mails(3))
            raise RuntimeError("the change failed")
        assert publish.call_count == 0 and not OutboundEmail.objects.exists()
        with transaction.atomic():
            emails_queue(_mails(2))
            with pytest.raises(RuntimeError), transaction.atomic():
                emails_queue(
                    [Mail(to="inner@example.com", subject="x", template="portal/email/notice")]
                )
                raise RuntimeError("a savepoint rolled back")
            emails_queue(
                [Mail(to="after@example.com", subject="y", template="portal/email/notice")]
            )
    assert publish.call_count == 1
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "after@example.com",
        "member0@example.com",
        "member1@example.com",
    ]
    assert len(mail.outbox) == 3  # the test settings run tasks eagerly


class CountingBackend:
    """An SMTP stand-in that records each connection and the messages sent over it."""

    opened: int = 0
    sent: list[str] = []
    fail_for: set[str] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.is_open = False

    def open(self) -> bool:
        if not self.is_open:
            CountingBackend.opened += 1
            self.is_open = True
        return True

    def close(self) -> None:
        self.is_open = False

    def send_messages(self, messages: list[Any]) -> int:
        self.open()
        for message in messages:
            if message.to[0] in CountingBackend.fail_for:
                raise ConnectionError("mailbox unavailable")
            CountingBackend.sent.append(message.to[0])
        return len(messages)


@pytest.fixture
def counting_backend(settings) -> type[CountingBackend]:
    settings.EMAIL_BACKEND = "portal.tests.test_outbox_batches.CountingBackend"
    settings.OUTBOX_BATCH_SIZE = 50
    CountingBackend.opened, CountingBackend.sent, CountingBackend.fail_for = 0, [], set()
    return CountingBackend


@pytest.mark.django_db
def test_a_batch_goes_over_one_connection_and_failures_stay_honest(counting_backend) -> None:
    emails_queue(_mails(120))
    counting_backend.fail_for = {"member7@example.com"}
    assert deliver_pending_email() == 119
    assert counting_backend.opened == 3 + 1  # three batches; one reconnect after the failure
    failed = OutboundEmail.objects.get(to="member7@example.com")
    assert failed.status == OutboundEmail.Status.PENDING and failed.attempts == 1
    assert "mailbox unavailable" in failed.last_error and failed.claimed_until is None
    counting_backend.fail_for = set()
    assert deliver_pending_email() == 1
    assert sorted(counting_backend.sent) == sorted(f"member{n}@example.com" for n in range(120))


@pytest.mark.django_db
def test_a_dead_workers_claim_is_taken_over_once_its_lease_runs_out(counting_backend) -> None:
    emails_queue(_mails(10))
    # A worker claimed five and died: they are not sent again while its lease lasts...
    claimed = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True)[:5])
    lease = timezone.now() + timedelta(seconds=30)
    OutboundEmail.objects.filter(pk__in=claimed).update(claimed_until=lease)
    assert deliver_pending_email() == 5
    # ...and go out once it has run out (the outbox sweep runs every 30 s: within a minute).
    OutboundEmail.objects.filter(pk__in=claimed).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert emails_deliver() == 5
    assert deliver_pending_email() == 0
    assert len(counting_backend.sent) == 10 == len(set(counting_backend.sent))
    schedule = settings.CELERY_BEAT_SCHEDULE["deliver-outbox"]["schedule"]
    assert isinstance(schedule, int | float) and schedule <= 30

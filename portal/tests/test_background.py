"""Outbox delivery, a real Celery worker on Redis, and a dead broker."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from portal.celery import app as celery_app
from portal.mail import email_queue
from portal.models import OutboundEmail
from portal.tasks import deliver_pending_email

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI sets it)")


@contextmanager
def celery_config(**overrides: Any) -> Iterator[None]:
    """Temporarily reconfigure the Celery app, dropping its cached broker connections."""
    saved = {key: celery_app.conf[key] for key in overrides}

    def reset_pools() -> None:
        # Celery keeps its connection pools in private attributes; reset them between modes.
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]

    celery_app.conf.update(overrides)
    reset_pools()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset_pools()


def _notice(to: str = "someone@example.com") -> None:
    email_queue(
        to=to,
        subject="Your request was sent",
        template="portal/email/notice",
        context={"message": "It went out today.", "link": "/dashboard/"},
        category="portal.test",
    )


@pytest.mark.django_db
def test_outbox_row_is_written_with_the_change_and_delivered_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notice()
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Your request was sent"
    assert "It went out today." in message.body
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives and "text/html" in message.alternatives[0][1]


@pytest.mark.django_db
def test_text_only_email_gets_an_escaped_html_part() -> None:
    from portal.mail import email_queue_rendered

    email = email_queue_rendered(
        to="a@example.com",
        subject="Hi",
        body_text="<script>alert(1)</script>\nSee https://example.ac.uk/events",
    )
    assert "<script>" not in email.body_html
    assert "&lt;script&gt;" in email.body_html
    assert '<a href="https://example.ac.uk/events"' in email.body_html


@pytest.mark.django_db
def test_rolled_back_change_leaves_no_email() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _notice()
        raise RuntimeError("the change failed")
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sweep_delivers_pending_email_once() -> None:
    _notice()  # TestCase transaction: on_commit never fires, the row stays pending
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.PENDING
    assert deliver_pending_email() == 1
    assert deliver_pending_email() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failed_delivery_is_kept_for_retry(settings) -> None:
    settings.EMAIL_BACKEND = "portal.tests.test_background.FailingBackend"
    _notice()
    assert deliver_pending_email() == 0
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING and "SMTP down" in email.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending_email() == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise ConnectionError("SMTP down")


@contextmanager
def silent_broker() -> Iterator[str]:
    """A TCP port that accepts connections and never answers: the worst kind of outage."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        server.close()


@pytest.mark.django_db(transaction=True)
def test_dead_broker_does_not_fail_or_hold_the_action_and_mail_follows_later() -> None:
    with (
        silent_broker() as url,
        celery_config(
            broker_url=url,
            task_always_eager=False,
            broker_transport_options=settings.REDIS_TRANSPORT_OPTIONS,
        ),
    ):
        started = time.monotonic()
        with transaction.atomic():
            _notice()
        elapsed = time.monotonic() - started
    # The action committed; the broker's socket timeout (2 s) bounded the wait.
    assert elapsed < 8, f"publishing to a silent broker held the request for {elapsed:.1f}s"
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.PENDING
    assert mail.outbox == []
    # The broker is back: the periodic sweep sends it, exactly once.
    assert deliver_pending_email() == 1
    assert deliver_pending_email() == 0
    assert len(mail.outbox) == 1


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_runs_a_task_end_to_end() -> None:
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connection

    def close_worker_connection(**kwargs: Any) -> None:
        connection.close()  # runs in the worker thread: leave no session on the test database

    task_postrun.connect(close_worker_connection, weak=False)
    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    with (
        celery_config(broker_url=REDIS_URL, task_always_eager=False, task_default_queue=queue),
        start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]),
    ):
        with transaction.atomic():
            _notice("worker@example.com")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).exists():
                break
            time.sleep(0.2)
    task_postrun.disconnect(close_worker_connection)
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.SENT, "the worker did not deliver the email"
    assert [m.to for m in mail.outbox] == [["worker@example.com"]]

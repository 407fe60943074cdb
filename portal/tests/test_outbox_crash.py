"""A worker killed mid-batch: its successor finishes the batch within a minute, and every
recipient gets exactly one email (a real worker process, SIGKILLed, and a real SMTP server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal import queue
from portal.mail import CLAIM_LEASE, emails_deliver, emails_queue
from portal.models import EmailReceipt, OutboundEmail
from portal.tasks import deliver_pending_email
from portal.tests.smtp_server import smtp_server
from portal.tests.test_outbox_batches import _mails

ROOT = Path(__file__).resolve().parents[2]
WORKER = "import django; django.setup(); from portal.mail import emails_deliver; emails_deliver()"


def _worker_env(port: int) -> dict[str, str]:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_each_recipient_exactly_one_email(
    postgres_only, settings
) -> None:
    with mock.patch.object(queue, "publish_now", return_value=True):  # the sweep delivers
        emails_queue(_mails(30))
    with smtp_server(stall_at=12) as (server, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=_worker_env(port))
        try:
            # The worker claimed all 30, the server accepted 11, and holds the 12th unanswered:
            # the worker dies there, with no chance to run its final update.
            assert server.stalled.wait(timeout=120), "the worker never reached the 12th email"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        server.release.set()
        assert len(server.accepted) == 11
        pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        assert pending.count() == 30 and EmailReceipt.objects.count() == 11
        leased = pending.filter(claimed_until__gt=timezone.now()).count()
        assert leased == 30

        # While the dead worker's lease lasts, nobody sends its emails.
        assert deliver_pending_email() == 0
        assert len(server.accepted) == 11

        # The lease runs out within 30 s, and the sweep (every 30 s) takes the batch over: the
        # eleven with a receipt become sent without going again; the other nineteen go now.
        later = timezone.now() + CLAIM_LEASE + timedelta(seconds=1)
        with time_machine.travel(later, tick=True):
            assert deliver_pending_email() == 19
    assert sorted(Counter(server.recipients).values()) == [1] * 30
    assert sorted(server.recipients) == sorted(f"member{n}@example.com" for n in range(30))
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
    assert not EmailReceipt.objects.exists()
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["deliver-outbox"]["schedule"]
    assert CLAIM_LEASE + timedelta(seconds=schedule) <= timedelta(minutes=1)


@pytest.mark.django_db
def test_a_batch_ends_with_one_status_update_and_no_receipt_left(settings) -> None:
    """The statuses of a batch cost the same few statements for 10 emails or 200: only the
    receipts, the durable record of each acceptance, are one short insert per email."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    counts = {}
    for size in (10, 200):
        with mock.patch.object(queue, "publish_now", return_value=True):
            emails_queue(_mails(size))
        with CaptureQueriesContext(connection) as captured:
            assert emails_deliver(limit=size) == size
        statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
        receipts = [sql for sql in statements if sql.startswith("INSERT INTO")]
        updates = [sql for sql in statements if sql.startswith("UPDATE")]
        assert len(receipts) == size
        counts[size] = (len(statements) - len(receipts), len(updates))
    assert counts[10] == counts[200]
    # The claim's lease, the statuses, and the release of what was not reached.
    assert counts[10][1] == 3
    assert not EmailReceipt.objects.exists()
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 210

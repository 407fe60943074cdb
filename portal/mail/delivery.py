"""Delivering the outbox: batches claimed with a lease and sent over one SMTP connection.

A batch claims its rows with a lease (``claimed_until``, one statement), sends them one after
another over one connection, writes a receipt (``EmailReceipt``, a two-column insert) as the
server accepts each, and at its end turns the receipts into statuses with one update. A worker
that dies mid-batch leaves its receipts: the next claim marks those emails sent instead of
sending them again, and takes the rest once the lease ran out (the outbox sweep runs every
30 s, so within a minute).

So each recipient gets one email, with one window SMTP cannot close: a worker killed after
the server accepted an email and before its receipt was committed (one database round trip;
``portal.mail.sending`` never lets a second email's data go before the previous receipt is
written) leaves that one email to be sent again. Receipts are committed without waiting for
the disk (``_durable_commits``): a crash of the database server itself, not of a worker, may
forget the last fraction of a second of them, and those emails would go again too.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from portal.mail.messages import Composer
from portal.mail.sending import Receipts, Session
from portal.models import EmailReceipt, OutboundEmail

# A claim lasts this long unless renewed; a batch renews it while it works, so only a dead
# worker's claim runs out, and the outbox sweep (every 30 s) takes its rows again.
CLAIM_LEASE = timedelta(seconds=30)
_RENEW_EVERY = 10.0  # seconds
# After this many SMTP failures in a row a batch stops and leaves the rest to the next run.
_FAILURES_IN_A_ROW = 3
PENDING = OutboundEmail.Status.PENDING


def receipts_settle() -> int:
    """Mark sent the emails a dead worker had delivered; returns how many.

    A receipt whose email is still pending and no longer leased was left by a worker that
    died before its batch's final update. One query when there is none.
    """
    now = timezone.now()
    orphaned = list(
        EmailReceipt.objects.filter(
            Q(email__claimed_until__isnull=True) | Q(email__claimed_until__lt=now),
            email__status=PENDING,
        ).values_list("email_id", flat=True)
    )
    if not orphaned:
        return 0
    with transaction.atomic():
        settled = _mark_sent(orphaned)
        EmailReceipt.objects.filter(email_id__in=orphaned).delete()
    return settled


def _mark_sent(ids: list[int]) -> int:
    """One update: the emails of ``ids`` still pending become sent, at their receipt's time."""
    accepted_at = EmailReceipt.objects.filter(email_id=OuterRef("pk")).values("accepted_at")[:1]
    return OutboundEmail.objects.filter(pk__in=ids, status=PENDING).update(
        status=OutboundEmail.Status.SENT,
        sent_at=Coalesce(Subquery(accepted_at), Now()),  # no receipt: its write failed
        attempts=F("attempts") + 1,
        claimed_until=None,
    )


def _claim(
    *, email_ids: list[int] | None, limit: int, skip: set[int]
) -> tuple[list[OutboundEmail], Any]:
    """Lease up to ``limit`` pending rows (of ``email_ids`` if given) nobody else holds."""
    receipts_settle()
    now = timezone.now()
    until = now + CLAIM_LEASE
    with transaction.atomic():
        free = OutboundEmail.objects.select_for_update(skip_locked=True).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), status=PENDING
        )
        if email_ids is not None:
            free = free.filter(pk__in=email_ids)
        if skip:
            free = free.exclude(pk__in=skip)
        emails = list(free.order_by("created_at", "pk")[:limit])
        if emails:
            OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).update(claimed_until=until)
    return emails, until


def emails_deliver(
    *,
    email_ids: list[int] | None = None,
    limit: int | None = None,
    failed: set[int] | None = None,
    receipts: Receipts | None = None,
) -> int:
    """Deliver one batch over one SMTP connection; returns how many this call sent.

    A receipt is written after each accepted email, and the statuses with one update at the
    end (see the module's docstring for what a crash leaves). A failure is recorded at once;
    ``failed`` collects the ids whose attempt failed, which a call given the same set skips;
    ``receipts``, the writer of a run of batches (``outbox_drain``), or one for this batch.
    """
    from portal.queue import outbox_batch_size

    failed = failed if failed is not None else set()
    emails, until = _claim(email_ids=email_ids, limit=limit or outbox_batch_size(), skip=failed)
    if not emails:
        return 0
    composer = Composer(emails)
    own_receipts = receipts is None
    session, receipts = Session(), receipts or Receipts()
    accepted: list[int] = []
    renewed = time.monotonic()
    failures = 0
    _durable_commits(False)
    try:
        for index, email in enumerate(emails):
            if time.monotonic() - renewed > _RENEW_EVERY:
                new_until = timezone.now() + CLAIM_LEASE
                OutboundEmail.objects.filter(
                    pk__in=[e.pk for e in emails[index:]], claimed_until=until
                ).update(claimed_until=new_until)
                until, renewed = new_until, time.monotonic()
            try:
                session.send(composer, email, receipts.ready)
            except Exception as exc:  # noqa: BLE001 (SMTP errors of every kind: keep the row)
                failures += 1
                failed.add(email.pk)
                _record_failure(email, until, f"{type(exc).__name__}: {exc}")
                session.close()
                if failures >= _FAILURES_IN_A_ROW:
                    break
                continue
            finally:
                receipts.raise_error()  # a database failure stops the batch
            failures = 0
            accepted.append(email.pk)
            receipts.write(email.pk)
    finally:
        session.close()
        # Every receipt written before they become statuses.
        if own_receipts:
            receipts.close()
        else:
            receipts.ready()
        with transaction.atomic():
            _mark_sent(accepted)
            EmailReceipt.objects.filter(email_id__in=accepted).delete()
            # What this batch did not get to is free for the next run at once.
            OutboundEmail.objects.filter(
                pk__in=[e.pk for e in emails], status=PENDING, claimed_until=until
            ).update(claimed_until=None)
        _durable_commits(True)
    return len(accepted)


def _durable_commits(on: bool) -> None:
    """Switch PostgreSQL's wait for the disk on this session's commits.

    While a batch writes its receipts one by one, a commit need not wait for the WAL to reach
    the disk: a killed worker loses nothing that was committed; only a crash of the database
    server itself could forget the last fraction of a second of receipts (those emails would
    go again). Each receipt then costs a round trip instead of a disk flush.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET synchronous_commit TO {'DEFAULT' if on else 'OFF'}")


def _record_failure(email: OutboundEmail, until: Any, error: str) -> None:
    attempts = email.attempts + 1
    status = OutboundEmail.Status.FAILED if attempts >= OutboundEmail.MAX_ATTEMPTS else PENDING
    OutboundEmail.objects.filter(pk=email.pk, claimed_until=until).update(
        attempts=attempts, last_error=error[:2000], status=status, claimed_until=None
    )


def email_deliver(*, email_id: int) -> bool:
    """Send one pending outbox email; True if it was sent by this call."""
    return emails_deliver(email_ids=[email_id], limit=1) == 1


def outbox_drain(*, budget_seconds: float = 25.0) -> int:
    """Deliver batch after batch until the outbox is empty or the time budget is spent."""
    started = time.monotonic()
    total = 0
    failed: set[int] = set()  # each email is tried at most once per run
    receipts = Receipts()  # one writer (a thread and its connection) for the whole run
    try:
        while time.monotonic() - started < budget_seconds:
            tried = len(failed)
            sent = emails_deliver(failed=failed, receipts=receipts)
            total += sent
            if sent == 0 and len(failed) == tried:
                break  # nothing left to claim
            if sent == 0 and len(failed) - tried >= _FAILURES_IN_A_ROW:
                break  # the SMTP server is failing: the next run tries again
    finally:
        receipts.close()
    return total


def pending_email_ids(limit: int = 500) -> list[int]:
    return list(
        OutboundEmail.objects.filter(status=PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )

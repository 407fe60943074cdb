"""Outgoing email through the outbox: written with the change, delivered in batches.

Queueing writes the outbox rows in one statement and, after commit, publishes their ids once
per transaction (``portal.queue``). A worker delivers a batch over one SMTP connection: it
claims the rows with a lease (``claimed_until``, one statement), sends each, and marks each
sent the moment the server accepted it, so a worker killed mid-batch leaves only unsent rows
claimed, and the outbox sweep takes them again once the lease ran out (within a minute). The
sweep delivers batch after batch until the outbox is empty, at full delivery speed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from portal.input_guard import CONTROL_CHARACTERS
from portal.models import OutboundEmail

_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,76}$")


def plain_text(text: str) -> str:
    """``text`` as an exact ``str``, never a ``SafeString``.

    ``render_to_string`` marks what it returns as safe; a text body kept in that form would
    pass through the HTML wrapper unescaped, carrying whatever markup a user typed into it.
    """
    return str.__str__(text)


def header_line(value: str) -> str:
    """One line for a subject or header value: each run of control characters becomes a space.

    Line breaks would let input add headers, and Django refuses them only at delivery (with
    ``BadHeaderError``), long after the portal reported the email as sent.
    """
    return " ".join(CONTROL_CHARACTERS.sub(" ", plain_text(value)).split())


@dataclass(frozen=True)
class Mail:
    """One email to write: ``template`` as for ``email_queue``, one row per address of ``to``."""

    to: str | Iterable[str]
    subject: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    category: str = ""
    headers: Mapping[str, str] | None = None


def email_render(template: str, ctx: Mapping[str, Any]) -> tuple[str, str]:
    """``<template>.txt`` and ``<template>.html`` (empty if there is none) rendered."""
    body_html: str
    try:
        body_html = render_to_string(f"{template}.html", dict(ctx))
    except TemplateDoesNotExist:
        body_html = ""
    return render_to_string(f"{template}.txt", dict(ctx)), body_html


def email_build(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    category: str = "",
    headers: Mapping[str, str] | None = None,
) -> OutboundEmail:
    """An unsaved outbox row for one already-rendered email (see ``email_queue_rendered``)."""
    body_text = plain_text(body_text)
    subject = header_line(subject)
    clean_headers = {}
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.match(name):
            raise ValueError(f"Not an email header name: {name!r}")
        clean_headers[name] = header_line(value)
    if not body_html:
        # Every email has both parts: without a designed HTML template, the text becomes HTML
        # (escaped, as body_text is a plain str; links made clickable), so nothing a user typed
        # can inject markup.
        body_html = render_to_string(
            "portal/email/plain_wrapper.html", {"subject": subject, "body": body_text}
        )
    return OutboundEmail(
        to=to,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        headers=clean_headers,
        category=category,
    )


def emails_save(emails: list[OutboundEmail]) -> list[OutboundEmail]:
    """Write built rows to the outbox (one statement per thousand); delivered after commit."""
    from portal.queue import enqueue_ids_on_commit
    from portal.tasks import deliver_emails

    if not emails:
        return []
    OutboundEmail.objects.bulk_create(emails, batch_size=1000)
    enqueue_ids_on_commit(deliver_emails, [email.pk for email in emails])
    return emails


def emails_queue(mails: Iterable[Mail]) -> list[OutboundEmail]:
    """Write every email of ``mails`` to the outbox in one go; delivered after commit."""
    built = []
    for item in mails:
        recipients = [item.to] if isinstance(item.to, str) else list(dict.fromkeys(item.to))
        for address in recipients:
            ctx = {"base_url": settings.PORTAL_BASE_URL, "recipient": address, **item.context}
            body_text, body_html = email_render(item.template, ctx)
            built.append(
                email_build(
                    to=address,
                    subject=item.subject,
                    body_text=body_text,
                    body_html=body_html,
                    category=item.category,
                    headers=item.headers,
                )
            )
    return emails_save(built)


def email_queue(
    *,
    to: str | Iterable[str],
    subject: str,
    template: str,
    context: Mapping[str, Any] | None = None,
    category: str = "",
    headers: Mapping[str, str] | None = None,
) -> list[OutboundEmail]:
    """Write one outbox row per recipient and deliver them after commit.

    ``template`` names ``<template>.txt`` (required; it turns autoescaping off, as it is plain
    text) and ``<template>.html`` (optional; autoescaped like every page); both get
    ``base_url`` and ``recipient`` in their context.
    """
    mail = Mail(
        to=to,
        subject=subject,
        template=template,
        context=context or {},
        category=category,
        headers=headers,
    )
    return emails_queue([mail])


def email_queue_rendered(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    category: str = "",
    headers: Mapping[str, str] | None = None,
) -> OutboundEmail:
    """Write one already-rendered email to the outbox; delivered after commit.

    ``body_text`` is plain text whatever its type; ``body_html``, if given, must come from an
    autoescaped template. The subject and header values are made single lines here, as a last
    line of defence behind the forms that refuse control characters.
    """
    email = email_build(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        category=category,
        headers=headers,
    )
    return emails_save([email])[0]


# --- Delivery ---------------------------------------------------------------------------------

# A claim lasts this long unless renewed; a batch renews it while it works, so only a dead
# worker's claim runs out, and the outbox sweep (every 30 s) takes its rows again.
CLAIM_LEASE = timedelta(seconds=30)
_RENEW_EVERY = 10.0  # seconds
# After this many SMTP failures in a row a batch stops and leaves the rest to the next run.
_FAILURES_IN_A_ROW = 3


def _claim(
    *, email_ids: list[int] | None, limit: int, skip: set[int]
) -> tuple[list[OutboundEmail], Any]:
    """Lease up to ``limit`` pending rows (of ``email_ids`` if given) nobody else holds."""
    now = timezone.now()
    until = now + CLAIM_LEASE
    with transaction.atomic():
        free = OutboundEmail.objects.select_for_update(skip_locked=True).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=OutboundEmail.Status.PENDING,
        )
        if email_ids is not None:
            free = free.filter(pk__in=email_ids)
        if skip:
            free = free.exclude(pk__in=skip)
        emails = list(free.order_by("created_at", "pk")[:limit])
        if emails:
            OutboundEmail.objects.filter(pk__in=[e.pk for e in emails]).update(claimed_until=until)
    return emails, until


def _message(email: OutboundEmail, connection: Any) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers or None,
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def emails_deliver(
    *,
    email_ids: list[int] | None = None,
    limit: int | None = None,
    failed: set[int] | None = None,
) -> int:
    """Deliver one batch over one SMTP connection; returns how many this call sent.

    Each row is marked sent (or its failure recorded) right after its own attempt, guarded by
    this call's lease, so a row is never sent by two workers and a crash re-sends at most the
    one email the server had accepted when the worker died. ``failed`` collects the ids whose
    attempt failed, and those are not tried again by a call given the same set.
    """
    from portal.queue import outbox_batch_size

    failed = failed if failed is not None else set()
    emails, until = _claim(email_ids=email_ids, limit=limit or outbox_batch_size(), skip=failed)
    if not emails:
        return 0
    mine = OutboundEmail.objects.filter(claimed_until=until)
    renewed = time.monotonic()
    sent = failures = 0
    smtp = get_connection(fail_silently=False)
    _durable_commits(False)
    try:
        for index, email in enumerate(emails):
            if time.monotonic() - renewed > _RENEW_EVERY:
                new_until = timezone.now() + CLAIM_LEASE
                mine.filter(pk__in=[e.pk for e in emails[index:]]).update(claimed_until=new_until)
                until, renewed = new_until, time.monotonic()
                mine = OutboundEmail.objects.filter(claimed_until=until)
            try:
                smtp.send_messages([_message(email, smtp)])
            except Exception as exc:  # noqa: BLE001 (SMTP errors of every kind: keep the row, retry)
                failures += 1
                failed.add(email.pk)
                _record_failure(email, mine, f"{type(exc).__name__}: {exc}")
                smtp.close()
                if failures >= _FAILURES_IN_A_ROW:
                    break
                continue
            failures = 0
            sent += mine.filter(pk=email.pk).update(
                status=OutboundEmail.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                claimed_until=None,
            )
    finally:
        smtp.close()
        # What this batch did not get to is free for the next run at once.
        mine.filter(pk__in=[e.pk for e in emails]).update(claimed_until=None)
        _durable_commits(True)
    return sent


def _durable_commits(on: bool) -> None:
    """Switch PostgreSQL's wait for the disk on this session's commits.

    While a batch marks its emails one by one, a commit need not wait for the WAL to reach the
    disk: a killed worker loses nothing that was committed; only a crash of the database server
    itself could forget the last fraction of a second of "sent" marks (those emails would go
    again). Each mark then costs a round trip instead of a disk flush.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"SET synchronous_commit TO {'DEFAULT' if on else 'OFF'}")


def _record_failure(email: OutboundEmail, mine: Any, error: str) -> None:
    attempts = email.attempts + 1
    status = (
        OutboundEmail.Status.FAILED
        if attempts >= OutboundEmail.MAX_ATTEMPTS
        else OutboundEmail.Status.PENDING
    )
    mine.filter(pk=email.pk).update(
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
    while time.monotonic() - started < budget_seconds:
        tried = len(failed)
        sent = emails_deliver(failed=failed)
        total += sent
        if sent == 0 and len(failed) == tried:
            break  # nothing left to claim
        if sent == 0 and len(failed) - tried >= _FAILURES_IN_A_ROW:
            break  # the SMTP server is failing: the next run tries again
    return total


def pending_email_ids(limit: int = 500) -> list[int]:
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )

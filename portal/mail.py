"""Outgoing email through the outbox: written with the change, delivered by a task."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
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
    recipients = [to] if isinstance(to, str) else list(dict.fromkeys(to))
    created = []
    for address in recipients:
        ctx = {"base_url": settings.PORTAL_BASE_URL, "recipient": address, **(context or {})}
        body_html: str
        try:
            body_html = render_to_string(f"{template}.html", ctx)
        except TemplateDoesNotExist:
            body_html = ""
        created.append(
            email_queue_rendered(
                to=address,
                subject=subject,
                body_text=render_to_string(f"{template}.txt", ctx),
                body_html=body_html,
                category=category,
                headers=headers,
            )
        )
    return created


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
    from portal.queue import enqueue_on_commit
    from portal.tasks import deliver_email

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
    email = OutboundEmail.objects.create(
        to=to,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        headers=clean_headers,
        category=category,
    )
    enqueue_on_commit(deliver_email, email.pk)
    return email


def email_deliver(*, email_id: int) -> bool:
    """Send one pending outbox email; True if it was sent by this call.

    The row is locked (skipping one another worker holds), so the immediate task and the
    periodic sweep never send the same email twice.
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers=email.headers or None,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 (SMTP errors of every kind: keep the row, retry)
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= OutboundEmail.MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            return False
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at"])
        return True


def pending_email_ids(limit: int = 500) -> list[int]:
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )

"""Writing email to the outbox: one row per recipient, in the transaction of the change.

Each ``Mail`` is rendered and written as its own rows. A mailing to many (a group's email) is
rendered once as an ``OutboundContent`` (``content_create``) whose copies are rows with no text
of their own: their personal parts come, at delivery, from the personaliser the content names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from portal.input_guard import CONTROL_CHARACTERS
from portal.models import OutboundContent, OutboundEmail

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
    if not emails:
        return []
    OutboundEmail.objects.bulk_create(emails, batch_size=1000)
    emails_written([email.pk for email in emails])
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


# --- Mailings rendered once ------------------------------------------------------------------

# A personaliser gives, for the ``ref`` of each copy, the value of each placeholder in it.
Personaliser = Callable[[list[int]], dict[int, dict[str, str]]]
_PERSONALISERS: dict[str, Personaliser] = {}


def personaliser_register(name: str, personalise: Personaliser) -> None:
    """Make ``name`` usable as ``OutboundContent.personaliser`` (an app does it when ready)."""
    _PERSONALISERS[name] = personalise


def personal_values(name: str, refs: list[int]) -> dict[int, dict[str, str]]:
    """The placeholders' values of each copy; a copy without a personaliser has none."""
    if not name:
        return {}
    try:
        personalise = _PERSONALISERS[name]
    except KeyError:
        raise LookupError(f"No personaliser named {name!r} is registered.") from None
    return personalise(refs)


def content_create(
    *,
    subject: str,
    body_text: str,
    body_html: str = "",
    headers: Mapping[str, str] | None = None,
    personaliser: str = "",
) -> OutboundContent:
    """Save a mailing rendered once; its copies are written by the caller (see ``OutboundEmail``).

    The same cleaning as ``email_build``: one-line subject and header values, a text body that
    is plain text, and an HTML part made from it when there is no designed one.
    """
    if personaliser and personaliser not in _PERSONALISERS:
        raise LookupError(f"No personaliser named {personaliser!r} is registered.")
    built = email_build(
        to="", subject=subject, body_text=body_text, body_html=body_html, headers=headers
    )
    return OutboundContent.objects.create(
        subject=built.subject,
        body_text=built.body_text,
        body_html=built.body_html,
        headers=built.headers,
        personaliser=personaliser,
    )


def copies_queue(
    *, content: OutboundContent, recipients: QuerySet[Any, Any], category: str
) -> list[tuple[int, int]]:
    """Write one outbox copy of ``content`` per row of ``recipients``, in one statement.

    ``recipients`` is a ``values(to=..., ref=...)`` query: each row's address and the key its
    personal parts are made from. The rows are inserted straight from that query (nothing per
    recipient passes through Python) and delivered after commit; returns their (id, ref).
    """
    inner, params = recipients.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = [
        "created_at",
        "to",
        "subject",
        "body_text",
        "body_html",
        "headers",
        "category",
        "status",
        "attempts",
        "last_error",
        "content_id",
        "ref",
    ]
    no_headers = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    sql = (
        f"INSERT INTO {qn(OutboundEmail._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 (names only)
        f"SELECT %s, q.{qn('to')}, %s, '', '', {no_headers}, %s, %s, 0, '', %s, q.{qn('ref')} "
        f"FROM ({inner}) q RETURNING {qn('id')}, {qn('ref')}"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    head = [now, content.subject, category, OutboundEmail.Status.PENDING, content.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *params])
        written = [(int(row[0]), int(row[1])) for row in cursor.fetchall()]
    emails_written([pk for pk, _ in written])
    return written


def emails_written(ids: list[int]) -> None:
    """Deliver, after commit, outbox rows written by a set-based statement."""
    from portal.queue import enqueue_ids_on_commit
    from portal.tasks import deliver_emails

    enqueue_ids_on_commit(deliver_emails, ids)

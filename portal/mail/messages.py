"""What goes to the SMTP server for each outbox row of a batch.

A row of its own is an ``EmailMultiAlternatives`` built from its fields. A copy of a mailing is
its ``OutboundContent`` with the copy's personal values in place of the placeholders. Over
SMTP, a mailing is turned into MIME once per batch, with markers where the recipient, the
Message-ID and the personal values go; each copy is then those bytes with the markers
replaced, which costs microseconds instead of building the message again. The markers are
used only where they come through the MIME encoding intact and every value is plain ASCII on
one line; any other copy is built in full, so both ways give the same email.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.utils.html import escape

from portal.mail.writing import header_line, personal_values
from portal.models import OutboundContent, OutboundEmail

_RECIPIENT = "recipient@portal-marker.invalid"
_MESSAGE_ID = "<message-id@portal-marker.invalid>"
_LONGEST_LINE = 990  # SMTP's limit is 998 characters a line
_PLAIN_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class _Template:
    """A mailing as MIME bytes cut at its markers: ``parts[1::2]`` are the markers' slots."""

    parts: list[bytes]
    slots: list[tuple[str, str]]  # (placeholder, where: "to" | "id" | "text" | "html" | "header")
    longest_marked_line: int


class Composer:
    """The messages of one claimed batch: its mailings loaded and personalised once."""

    def __init__(self, emails: list[OutboundEmail]) -> None:
        ids = {e.content_id for e in emails if e.content_id is not None}
        self.contents: dict[int, OutboundContent] = (
            OutboundContent.objects.in_bulk(list(ids)) if ids else {}
        )
        self.values: dict[int, dict[str, str]] = {}
        for content in self.contents.values():
            copies = [e for e in emails if e.content_id == content.pk]
            refs = [e.ref for e in copies if e.ref is not None]
            by_ref = personal_values(content.personaliser, refs)
            for email in copies:
                self.values[email.pk] = by_ref.get(email.ref, {}) if email.ref is not None else {}
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.envelope_from = sanitize_address(self.from_email, settings.DEFAULT_CHARSET)
        self._templates: dict[int, _Template | None] = {}

    def fields(self, email: OutboundEmail) -> tuple[str, str, str, dict[str, str]]:
        """Subject, text, HTML and headers of ``email`` as its recipient gets them."""
        if email.content_id is None:
            return email.subject, email.body_text, email.body_html, dict(email.headers or {})
        content = self.contents[email.content_id]
        values = self.values.get(email.pk, {})
        return (
            header_line(_fill(content.subject, values)),
            _fill(content.body_text, values),
            _fill(content.body_html, values, html=True),
            {name: header_line(_fill(v, values)) for name, v in (content.headers or {}).items()},
        )

    def message(self, email: OutboundEmail, connection: Any) -> EmailMultiAlternatives:
        subject, body_text, body_html, headers = self.fields(email)
        return _build(subject, body_text, body_html, headers, email.to, self.from_email, connection)

    def envelope(self, email: OutboundEmail) -> tuple[str, str, bytes] | None:
        """(from, to, bytes) of a mailing's copy from its template; None: build it in full."""
        if email.content_id is None:
            return None
        if email.content_id not in self._templates:
            content = self.contents[email.content_id]
            keys = {key for pk, values in self.values.items() for key in values}
            self._templates[email.content_id] = _template(content, sorted(keys), self.from_email)
        template = self._templates[email.content_id]
        values = self.values.get(email.pk, {})
        if template is None or not _fits(email.to, values, template):
            return None
        out = list(template.parts)
        for index, (key, where) in enumerate(template.slots):
            if where == "to":
                value = email.to
            elif where == "id":
                value = make_msgid(domain=str(DNS_NAME))
            else:
                value = values.get(key, key)
                if where == "html":
                    value = escape(value)
            out[2 * index + 1] = value.encode("ascii")
        # A plain address is its own envelope form; anything else goes through Django's check.
        to = email.to if _PLAIN_ADDRESS.match(email.to) else sanitize_address(email.to, "utf-8")
        return self.envelope_from, to, b"".join(out)


def _fill(text: str, values: dict[str, str], *, html: bool = False) -> str:
    for key, value in values.items():
        text = text.replace(key, escape(value) if html else value)
    return text


def _build(
    subject: str,
    body_text: str,
    body_html: str,
    headers: dict[str, str],
    to: str,
    from_email: str,
    connection: Any,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=body_text,
        from_email=from_email,
        to=[to],
        headers=headers or None,
        connection=connection,
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    return message


def _template(content: OutboundContent, keys: Iterable[str], from_email: str) -> _Template | None:
    """The mailing's MIME bytes with markers, or None if a marker did not come through intact."""
    markers: dict[str, tuple[str, str]] = {
        _RECIPIENT: ("", "to"),
        _MESSAGE_ID: ("", "id"),
    }
    expected = Counter({_RECIPIENT: 1, _MESSAGE_ID: 1})
    source = "\n".join(
        [content.subject, content.body_text, content.body_html, *content.headers.values()]
    )

    def mark(text: str, where: str) -> str:
        for key in keys:
            if key in text:
                marker = f"PORTALMARK{len(markers)}X"
                if marker in source:
                    raise ValueError("marker clash")
                markers[marker] = (key, where)
                expected[marker] = text.count(key)
                text = text.replace(key, marker)
        return text

    try:
        message = _build(
            mark(content.subject, "header"),
            mark(content.body_text, "text"),
            mark(content.body_html, "html"),
            {
                **{name: mark(value, "header") for name, value in content.headers.items()},
                "Message-ID": _MESSAGE_ID,
            },
            _RECIPIENT,
            from_email,
            None,
        )
        data = message.message().as_bytes(linesep="\r\n")
    except ValueError:
        return None
    pattern = re.compile(b"|".join(re.escape(m.encode("ascii")) for m in markers))
    found = [m.decode("ascii") for m in pattern.findall(data)]
    if Counter(found) != expected:
        return None  # a marker was encoded, folded or dropped: build these copies in full
    parts: list[bytes] = []
    for index, piece in enumerate(pattern.split(data)):
        parts.append(piece)
        if index < len(found):
            parts.append(b"")  # the slot of found[index]
    marked_lines = [line for line in data.split(b"\r\n") if pattern.search(line)]
    return _Template(
        parts=parts,
        slots=[markers[m] for m in found],
        longest_marked_line=max(len(line) for line in marked_lines),
    )


def _fits(to: str, values: dict[str, str], template: _Template) -> bool:
    """Whether the copy's values go into the template's bytes as they are."""
    everything = [to, *values.values()]
    # ASCII on one line, spaces single: what ``header_line`` and MIME would leave unchanged.
    if not all(v.isascii() and " ".join(v.split()) == v for v in everything):
        return False
    growth = sum(len(v) for v in everything) * 6  # escaping may grow HTML: a generous bound
    return template.longest_marked_line + growth < _LONGEST_LINE


def email_as_sent(email: OutboundEmail) -> OutboundEmail:
    """``email`` with its mailing's text and its personal values filled in (unsaved): what its
    recipient gets. A row with text of its own is returned as it is."""
    if email.content_id is None:
        return email
    subject, body_text, body_html, headers = Composer([email]).fields(email)
    return OutboundEmail(
        pk=email.pk,
        to=email.to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers,
        category=email.category,
        status=email.status,
        attempts=email.attempts,
        sent_at=email.sent_at,
        last_error=email.last_error,
        content_id=email.content_id,
        ref=email.ref,
    )

"""Outgoing email through the outbox: written with the change, delivered in batches.

Queueing (``portal.mail.writing``) writes the outbox rows in one statement and, after commit,
publishes their ids once per transaction (``portal.queue``); a mailing to many is rendered once
and its copies hold only their recipient and a key for their personal parts. A worker
(``portal.mail.delivery``) claims a batch with a lease and sends it over one SMTP connection,
with a receipt per accepted email and one status update per batch; ``portal.mail.messages``
turns the rows into what goes over the wire. The outbox sweep delivers batch after batch
until the outbox is empty, at full delivery speed.
"""

from portal.mail.delivery import (
    CLAIM_LEASE,
    email_deliver,
    emails_deliver,
    outbox_drain,
    pending_email_ids,
    receipts_settle,
)
from portal.mail.messages import email_as_sent
from portal.mail.writing import (
    Mail,
    Personaliser,
    content_create,
    copies_queue,
    email_build,
    email_queue,
    email_queue_rendered,
    email_render,
    emails_queue,
    emails_save,
    emails_written,
    header_line,
    personal_values,
    personaliser_register,
    plain_text,
)

__all__ = [
    "CLAIM_LEASE",
    "Mail",
    "Personaliser",
    "content_create",
    "copies_queue",
    "email_as_sent",
    "email_build",
    "email_deliver",
    "email_queue",
    "email_queue_rendered",
    "email_render",
    "emails_deliver",
    "emails_queue",
    "emails_save",
    "emails_written",
    "header_line",
    "outbox_drain",
    "pending_email_ids",
    "personal_values",
    "personaliser_register",
    "plain_text",
    "receipts_settle",
]

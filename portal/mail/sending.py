"""One batch on the wire: an SMTP session, and the receipts written while the next email starts.

After the server accepts an email, its receipt is written (``EmailReceipt``). When the batch
runs outside a transaction (a worker), a thread with a database connection of its own writes
it while the session already gives the server the next email's sender and recipient; the
session waits for it before sending that email's data. So a database round trip no longer
adds to every email's time, and the guarantee is unchanged: at any moment at most one
accepted email has no receipt yet.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from portal.mail.messages import Composer
from portal.models import EmailReceipt, OutboundEmail

_RECEIPTS = connection.ops.quote_name(EmailReceipt._meta.db_table)
_RECEIPT_SQL = f"INSERT INTO {_RECEIPTS} (email_id, accepted_at) VALUES (%s, %s)"  # noqa: S608


def _receipt_insert(db: BaseDatabaseWrapper, email_id: int) -> None:
    with db.cursor() as cursor:
        cursor.execute(_RECEIPT_SQL, [email_id, timezone.now()])


def _receipts_connection() -> BaseDatabaseWrapper:
    """A connection of the receipts thread's own (made in it), committing without waiting for
    the disk, as the batch's own does (see ``portal.mail.delivery``)."""
    db = connections.create_connection(DEFAULT_DB_ALIAS)
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    return db


class Receipts:
    """The receipts of one batch, in order; ``ready()`` returns once the last one is written."""

    def __init__(self) -> None:
        # Inside a transaction (a test, a caller's atomic block) another connection would not
        # see the outbox rows: the receipts are then written in line.
        self.pool: ThreadPoolExecutor | None = None
        self.db: BaseDatabaseWrapper = connection
        self.last: Future[None] | None = None
        self.error: BaseException | None = None
        if not connection.in_atomic_block:
            self.pool = ThreadPoolExecutor(max_workers=1)
            self.db = self.pool.submit(_receipts_connection).result()

    def write(self, email_id: int) -> None:
        if self.pool is None:
            _receipt_insert(self.db, email_id)
            return
        self.last = self.pool.submit(_receipt_insert, self.db, email_id)

    def ready(self) -> None:
        """Wait for the last receipt; a failure is kept for ``raise_error``, not raised here
        (the SMTP step that called this must not be blamed for it)."""
        if self.last is not None:
            try:
                self.last.result()
            except Exception as exc:  # noqa: BLE001 (re-raised by raise_error)
                self.error = exc
            self.last = None

    def raise_error(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def close(self) -> None:
        self.ready()
        if self.pool is not None:
            self.pool.submit(self.db.close).result()
            self.pool.shutdown()


class Session:
    """One SMTP connection for a batch, opened at its first email and again after a failure.

    With Django's SMTP backend a copy of a mailing goes as bytes from its template
    (``Composer.envelope``), in the three steps of ``smtplib.sendmail`` with ``ready`` before
    the data; everything else, and every other backend, gets Django messages.
    """

    def __init__(self) -> None:
        self.backend: Any = get_connection(fail_silently=False)
        self.raw = isinstance(self.backend, SmtpBackend)

    def send(self, composer: Composer, email: OutboundEmail, ready: Callable[[], None]) -> None:
        self.backend.open()  # a no-op while the connection is open
        envelope = composer.envelope(email) if self.raw else None
        if envelope is None:
            ready()
            self.backend.send_messages([composer.message(email, self.backend)])
            return
        from_email, to, data = envelope
        smtp: smtplib.SMTP = self.backend.connection
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(from_email)
        if code != 250:
            self._reset(smtp, code)
            raise smtplib.SMTPSenderRefused(code, reply, from_email)
        code, reply = smtp.rcpt(to)
        if code not in (250, 251):
            self._reset(smtp, code)
            raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
        ready()
        code, reply = smtp.data(data)
        if code != 250:
            self._reset(smtp, code)
            raise smtplib.SMTPDataError(code, reply)

    @staticmethod
    def _reset(smtp: smtplib.SMTP, code: int) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            if code == 421:
                smtp.close()
            else:
                smtp.rset()

    def close(self) -> None:
        # A failing QUIT changes nothing that was sent.
        with contextlib.suppress(Exception):
            self.backend.close()

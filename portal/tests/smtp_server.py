"""A real SMTP server for tests (aiosmtpd, in a thread): records what it accepted.

``stall_at`` makes it hold the n-th message without answering until ``release`` is set, and
then refuse it: a test kills the sending worker in that moment, as a crash mid-batch.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, stall_at: int | None = None) -> None:
        self.stall_at = stall_at
        self.received = 0
        self.accepted: list[tuple[list[str], bytes]] = []
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        if self.received == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return "451 Requested action aborted: the sender went away"
        self.accepted.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"

    @property
    def recipients(self) -> list[str]:
        return [address for rcpt_tos, _ in self.accepted for address in rcpt_tos]

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(data, policy=policy.default) for _, data in self.accepted]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(stall_at: int | None = None) -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder(stall_at)
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        recorder.release.set()
        controller.stop()

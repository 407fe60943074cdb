"""Queueing Celery tasks safely: after commit, once per transaction, never failing the caller.

Everything a transaction queues is collected and published after it commits in ONE broker
message, so a request talks to the broker at most once however much it queues: with a silent
broker it waits one socket timeout, not one per task. Calls of a task that takes a list of ids
(``enqueue_ids_on_commit``) are merged into lists of ``OUTBOX_BATCH_SIZE``. When several messages
result, the one published is ``portal.tasks.publish_many``, which a worker fans out.

A message lost to a broker outage is not retried here: the periodic sweeps find pending work in
the database (the outbox row, a queued delivery row) and do it. So every queued task must be
idempotent and tolerate rows that never committed (a rolled-back savepoint's calls still go).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)


def outbox_batch_size() -> int:
    return max(1, int(getattr(settings, "OUTBOX_BATCH_SIZE", 200)))


def publish_now(task: Task[Any, Any], *args: Any) -> bool:
    """Send ``task`` to the broker; on a broker failure log it and return False.

    Retrying is left to the periodic sweeps that find pending work in the database, so a dead
    broker costs a web request at most the broker's socket timeout.
    """
    try:
        task.apply_async(args=args, retry=False)
    except Exception:
        logger.warning(
            "broker unavailable; %s left for the periodic sweep", task.name, exc_info=True
        )
        return False
    return True


@dataclass
class _Pending:
    """What one transaction queued, in order; id lists merged per task."""

    calls: list[tuple[Task[Any, Any], tuple[Any, ...]]] = field(default_factory=list)
    ids: dict[str, tuple[Task[Any, Any], list[int]]] = field(default_factory=dict)
    done: bool = False
    latest: object = None

    def messages(self) -> list[tuple[Task[Any, Any], tuple[Any, ...]]]:
        out = list(self.calls)
        size = outbox_batch_size()
        for task, ids in self.ids.values():
            unique = list(dict.fromkeys(ids))
            out.extend((task, (unique[i : i + size],)) for i in range(0, len(unique), size))
        return out

    def flush(self) -> None:
        """Publish everything collected, once: the first of the transaction's hooks does it."""
        if self.done:
            return
        self.done = True
        if getattr(_local, "pending", None) is self:
            _local.pending = None
        publish_all(self.messages())


@dataclass(frozen=True)
class _Flush:
    """A commit hook of one collector; every hook after the first finds nothing left to do."""

    pending: _Pending

    def __call__(self) -> None:
        self.pending.flush()


_local = threading.local()


def publish_all(messages: list[tuple[Task[Any, Any], tuple[Any, ...]]]) -> bool:
    """Publish ``messages`` in one broker call: the message itself, or one ``publish_many``."""
    if not messages:
        return True
    if len(messages) == 1:
        task, args = messages[0]
        return publish_now(task, *args)
    from portal.tasks import publish_many

    return publish_now(publish_many, [[task.name, list(args)] for task, args in messages])


def _pending() -> _Pending:
    """The collector of the current transaction, with a commit hook after this call.

    Every call adds a hook, and the first hook to run publishes everything collected (the
    others find it done), so a hook dropped with a rolled-back savepoint never leaves later
    calls unpublished. The collector lives while one of its hooks is among the connection's
    commit hooks: a rolled-back transaction drops them all, and the next call starts anew.
    """
    pending: _Pending | None = getattr(_local, "pending", None)
    if pending is None or pending.done or not _registered(pending):
        pending = _Pending()
        _local.pending = pending
    hook = _Flush(pending)
    transaction.on_commit(hook)
    pending.latest = hook
    return pending


def _registered(pending: _Pending) -> bool:
    """Whether one of the collector's hooks is still to run.

    Its latest hook is looked for first, from the end where it normally is; only when a
    savepoint rolled back with it are the other hooks looked for.
    """
    hooks = connection.run_on_commit
    if any(entry[1] is pending.latest for entry in reversed(hooks)):
        return True
    return any(isinstance(entry[1], _Flush) and entry[1].pending is pending for entry in hooks)


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Queue ``task`` once the current transaction commits (at once outside a transaction)."""
    if not connection.in_atomic_block:
        publish_now(task, *args)
        return
    _pending().calls.append((task, args))


def enqueue_ids_on_commit(task: Task[Any, Any], ids: Iterable[int]) -> None:
    """Queue ``task(ids)`` after commit, merged with the transaction's other calls of ``task``."""
    ids = list(ids)
    if not ids:
        return
    if not connection.in_atomic_block:
        size = outbox_batch_size()
        publish_all([(task, (ids[i : i + size],)) for i in range(0, len(ids), size)])
        return
    _pending().ids.setdefault(task.name, (task, []))[1].extend(ids)

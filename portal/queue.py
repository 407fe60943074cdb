"""Queueing Celery tasks safely: after commit, and never failing the caller."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


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


def enqueue_on_commit(task: Task[Any, Any], *args: Any) -> None:
    """Queue ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: publish_now(task, *args))

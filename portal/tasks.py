"""Platform tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from typing import Any

from celery import current_app, shared_task
from django.db import OperationalError

from portal.mail import email_deliver, emails_deliver, outbox_drain


@shared_task(
    name="portal.tasks.deliver_emails",
    autoretry_for=(OperationalError,),  # a busy or restarting database is transient
    retry_backoff=True,
    max_retries=5,
)
def deliver_emails(email_ids: list[int]) -> int:
    """One batch of outbox rows over one SMTP connection."""
    return emails_deliver(email_ids=email_ids, limit=len(email_ids))


@shared_task(name="portal.tasks.deliver_email")
def deliver_email(email_id: int) -> bool:
    """Kept for messages queued before batches existed."""
    return email_deliver(email_id=email_id)


@shared_task(name="portal.tasks.deliver_pending_email")
def deliver_pending_email() -> int:
    """Periodic sweep: deliver whatever the outbox holds, batch after batch, at full speed."""
    return outbox_drain()


@shared_task(name="portal.tasks.publish_many")
def publish_many(calls: list[list[Any]]) -> int:
    """Fan out what one transaction queued in one message: each call becomes its own task."""
    from portal.queue import publish_now

    return sum(publish_now(current_app.tasks[name], *args) for name, args in calls)


@shared_task(name="portal.tasks.ping")
def ping(value: str) -> str:
    return value


@shared_task(name="portal.tasks.retention_sweep")
def retention_sweep() -> dict[str, int]:
    """Daily: every retention rule of the platform and the apps (each idempotent)."""
    from portal.dataprotection.retention import retention_sweep as sweep

    return sweep()

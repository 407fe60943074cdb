"""Platform tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from portal.mail import email_deliver, pending_email_ids


@shared_task(
    name="portal.tasks.deliver_email",
    autoretry_for=(OperationalError,),  # a busy or restarting database is transient
    retry_backoff=True,
    max_retries=5,
)
def deliver_email(email_id: int) -> bool:
    return email_deliver(email_id=email_id)


@shared_task(name="portal.tasks.deliver_pending_email")
def deliver_pending_email() -> int:
    """Periodic sweep: send whatever the outbox still holds (e.g. after a broker outage)."""
    return sum(email_deliver(email_id=pk) for pk in pending_email_ids())


@shared_task(name="portal.tasks.ping")
def ping(value: str) -> str:
    return value


@shared_task(name="portal.tasks.retention_sweep")
def retention_sweep() -> dict[str, int]:
    """Daily: every retention rule of the platform and the apps (each idempotent)."""
    from portal.dataprotection.retention import retention_sweep as sweep

    return sweep()

"""Thin Celery tasks for the groups app: take ids, call one service or one job.

The task names are the ones ``CELERY_BEAT_SCHEDULE`` refers to; the jobs behind them are named
``<what>_sweep``.
"""

from __future__ import annotations

from celery import shared_task

from groups.jobs import communication_dispatch_sweep, plan_reminder_sweep, sla_reminder_sweep
from groups.services.communications import communication_send_batch


@shared_task(name="groups.tasks.send_communication_batch")
def send_communication_batch(communication_id: int, batch: int) -> int:
    return communication_send_batch(communication_id=communication_id, batch=batch)


@shared_task(name="groups.tasks.send_sla_reminders")
def send_sla_reminders() -> dict[str, int]:
    return sla_reminder_sweep()


@shared_task(name="groups.tasks.send_annual_plan_reminders")
def send_annual_plan_reminders() -> int:
    return plan_reminder_sweep()


@shared_task(name="groups.tasks.dispatch_communications")
def dispatch_communications() -> int:
    """Every minute: release scheduled emails and resume batches a broker outage dropped."""
    return communication_dispatch_sweep()

"""Thin Celery tasks: each calls one job of ``moderation.jobs``."""

from __future__ import annotations

from celery import shared_task

from .jobs import escalation_reminders_sweep, removal_reminders_sweep


@shared_task(name="moderation.tasks.send_removal_request_reminders")
def send_removal_request_reminders() -> dict[str, int]:
    """Hourly (``CELERY_BEAT_SCHEDULE``): the removal-request reminders and escalations."""
    return removal_reminders_sweep()


@shared_task(name="moderation.tasks.send_escalation_reminders")
def send_escalation_reminders() -> dict[str, int]:
    """Hourly (``CELERY_BEAT_SCHEDULE``): chase escalations whose reply has not come."""
    return escalation_reminders_sweep()

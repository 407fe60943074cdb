"""Thin Celery tasks: each calls one job of ``moderation.jobs``."""

from __future__ import annotations

from celery import shared_task

from .jobs import escalation_reminders_sweep, removal_reminders_sweep, response_target_sweep


@shared_task(name="moderation.tasks.send_removal_request_reminders")
def send_removal_request_reminders() -> dict[str, int]:
    """Hourly (``CELERY_BEAT_SCHEDULE``): the removal-request reminders and escalations."""
    return removal_reminders_sweep()


@shared_task(name="moderation.tasks.send_escalation_reminders")
def send_escalation_reminders() -> dict[str, int]:
    """Hourly (``CELERY_BEAT_SCHEDULE``): chase escalations whose reply has not come."""
    return escalation_reminders_sweep()


@shared_task(name="moderation.tasks.send_response_target_alerts")
def send_response_target_alerts() -> dict[str, int]:
    """Every 5 minutes (``CELERY_BEAT_SCHEDULE``): alert about items past their response target
    (the urgent targets are one hour, so the alert comes at most five minutes late)."""
    return response_target_sweep()

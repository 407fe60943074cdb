"""Mentoring's Celery tasks: thin, each calls one job."""

from __future__ import annotations

from celery import shared_task

from mentoring import jobs


@shared_task(name="mentoring.tasks.send_meeting_reminders")
def send_meeting_reminders() -> dict[str, int]:
    """Daily mentoring sweep (the beat entry settings name): reminders, surveys, programme ends.

    Each part is idempotent through ``reminder_claim`` or a state check, so a second run the
    same day sends nothing.
    """
    return jobs.daily_sweep()

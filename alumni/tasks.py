"""Thin Celery tasks for the alumni app: each calls one job."""

from __future__ import annotations

from celery import shared_task

from alumni.jobs import verification_reminder_sweep


@shared_task(name="alumni.tasks.send_verification_reminders")
def send_verification_reminders() -> int:
    return verification_reminder_sweep()

"""Periodic tasks of the registry: thin wrappers over the sweeps of ``jobs``.

The task names are the ones ``CELERY_BEAT_SCHEDULE`` uses; they stay as they are.
"""

from __future__ import annotations

from celery import shared_task

from .jobs import (
    advice_overdue_sweep,
    annual_audits_sweep,
    inactivity_sweep,
    pending_approvals_sweep,
    training_expiry_sweep,
)


@shared_task(name="accounts_registry.tasks.run_inactivity_checks")
def run_inactivity_checks() -> dict[str, int]:
    result = inactivity_sweep()
    return {"reminded": result.reminded, "flagged": result.flagged}


@shared_task(name="accounts_registry.tasks.run_annual_audits")
def run_annual_audits() -> dict[str, int]:
    result = annual_audits_sweep()
    return {"opened": result.opened, "reminded": result.reminded, "escalated": result.escalated}


@shared_task(name="accounts_registry.tasks.run_advice_overdue")
def run_advice_overdue() -> dict[str, int]:
    return {"escalated": advice_overdue_sweep()}


@shared_task(name="accounts_registry.tasks.run_training_expiry")
def run_training_expiry() -> dict[str, int]:
    result = training_expiry_sweep()
    return {"reminded": result.reminded, "flagged": result.flagged}


@shared_task(name="accounts_registry.tasks.run_pending_approvals")
def run_pending_approvals() -> dict[str, int]:
    result = pending_approvals_sweep()
    return {"reminded": result.reminded, "reported": result.reported}

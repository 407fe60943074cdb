"""Scheduled sweeps: inactivity (B6), annual audit (B7), overdue advice, training expiry.

Each sweep claims its due rows in one set-based query (``select_for_update(skip_locked=True)``,
then one ``UPDATE`` where the claim is a column, or leaving out what was already reminded),
inside one transaction, and only then sends and audits, all in bulk: the reminder claims in one
statement, the audit events and the outbox rows in one insert each. A second run finds nothing
to claim, in one query per step whatever the number of accounts; reminder claims make a resend
impossible even when a row is claimed again. A concurrent run skips the rows the first one holds.

Settings (all optional):
- ``ACCOUNT_INACTIVITY_DAYS`` (90): "three months" of 001 §5.4, counted as 90 days so that the
  threshold does not drift with month lengths.
- ``ACCOUNT_INACTIVITY_GRACE_DAYS`` (30): after the reminder, how long until comms are asked to
  deactivate the account.
- ``ACCOUNT_AUDIT_DUE_DAYS`` (30): how long the admins have to answer an audit.
- ``ACCOUNT_AUDIT_REMINDER_DAYS`` (7): the reminder goes this many days before the due date.
- ``TRAINING_REMINDER_DAYS`` (30): days before a training expires that its holder is reminded.
- ``ACCOUNT_APPROVAL_REMINDER_DAYS`` (5): working days a request ready for decision waits before
  the people who may decide it are reminded (``approvals``).
"""

from accounts_registry.jobs.accounts import (
    SweepResult,
    annual_audits_sweep,
    audit_due_days,
    audit_reminder_days,
    grace_days,
    inactivity_days,
    inactivity_sweep,
)
from accounts_registry.jobs.approvals import (
    ApprovalSweepResult,
    approval_reminder_days,
    pending_approvals_sweep,
)
from accounts_registry.jobs.governance import advice_overdue_sweep, training_expiry_sweep

__all__ = [
    "ApprovalSweepResult",
    "SweepResult",
    "advice_overdue_sweep",
    "annual_audits_sweep",
    "approval_reminder_days",
    "audit_due_days",
    "audit_reminder_days",
    "grace_days",
    "inactivity_days",
    "inactivity_sweep",
    "pending_approvals_sweep",
    "training_expiry_sweep",
]

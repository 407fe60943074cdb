"""Reads of the comms governance console: pending requests, audits, accounts in grace."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts_registry.models import (
    AccountRequest,
    AnnualAudit,
    ApprovalDecision,
    OfficialAccount,
)
from portal.workdays import default_calendar

from .approvers import deciders_of, with_decision_facts


@dataclass(frozen=True)
class PendingRequestRow:
    request: AccountRequest
    working_days: int  # age on the working-day clock
    waiting_on: str
    stuck: bool
    no_approver: list[str] = dataclass_field(
        default_factory=list
    )  # labels of slots nobody can decide


def pending_request_rows(*, now: datetime | None = None) -> list[PendingRequestRow]:
    """Every pending request, oldest first, with its age in working days and whom it waits on;
    stuck once older than ``ACCOUNT_APPROVAL_STUCK_DAYS`` (5) working days; and the slots that
    no eligible approver can decide (7 queries)."""
    now = now or timezone.now()
    calendar = default_calendar()
    day = calendar.day_length.total_seconds()
    stuck_after = int(getattr(settings, "ACCOUNT_APPROVAL_STUCK_DAYS", 5))
    pending = list(
        with_decision_facts(
            AccountRequest.objects.filter(status=AccountRequest.Status.PENDING)
            .select_related("requester", "unit")
            .order_by("created_at", "id")
        )
    )
    deciders = deciders_of(pending)
    labels = dict(ApprovalDecision.Slot.choices)
    rows = []
    for request in pending:
        age = int(calendar.working_seconds_between(request.created_at, now) // day)
        unfilled = [str(labels[slot]) for slot in deciders[request.pk].unfilled]
        rows.append(PendingRequestRow(request, age, request.stage(), age >= stuck_after, unfilled))
    return rows


AUDIT_ANSWERS = {
    "still_needed": "still needed",
    "activity_ok": "activity",
    "admins_correct": "administrators",
    "passwords_changed": "passwords changed",
    "two_factor_on": "two-factor sign-in",
}


def audits_needing_attention(*, today: date | None = None) -> list[tuple[AnnualAudit, str]]:
    """Audits of accounts still open that are overdue, or were completed within a year with a
    "no" answer; each with why it is listed (one query)."""
    today = today or timezone.localdate()
    answered_no = Q()
    for field in AUDIT_ANSWERS:
        answered_no |= Q(**{field: False})
    audits = (
        AnnualAudit.objects.filter(
            account__status__in=[OfficialAccount.Status.ACTIVE, OfficialAccount.Status.FLAGGED]
        )
        .filter(
            Q(completed_at__isnull=True, due_on__lt=today)
            | (Q(completed_at__date__gte=today - timedelta(days=365)) & answered_no)
        )
        .select_related("account")
        .order_by("due_on", "id")
    )
    rows = []
    for audit in audits:
        if audit.is_overdue(today):
            rows.append((audit, f"Overdue since {audit.due_on:%d %b %Y}"))
            continue
        answered = [label for f, label in AUDIT_ANSWERS.items() if getattr(audit, f) is False]
        rows.append((audit, "Answered no: " + ", ".join(answered)))
    return rows


def accounts_in_grace() -> QuerySet[OfficialAccount]:
    """Active accounts reminded of their inactivity, whose grace period is running."""
    return (
        OfficialAccount.objects.filter(
            status=OfficialAccount.Status.ACTIVE, inactivity_reminded_at__isnull=False
        )
        .select_related("unit")
        .order_by("inactivity_reminded_at", "id")
    )

"""Sweep of pending account requests: remind whoever may decide, report slots nobody can decide.

Roles change while a request waits (an approver leaves, a delegation ends), so the sweep
re-reads who may decide every pending request (``selectors.approvers``, a fixed number of
queries for all of them). A request ready for decision for ``ACCOUNT_APPROVAL_REMINDER_DAYS``
(5) working days reminds the people free of conflict who may decide its open slots, once per
slot; a slot that nobody eligible can decide is reported to comms once, as it is at submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts_registry.models import AccountRequest
from accounts_registry.selectors.approvers import (
    SlotDeciders,
    deciders_of,
    emails_of,
    with_decision_facts,
)
from accounts_registry.services.approvers import (
    NO_APPROVER_KIND,
    no_approver_notice,
)
from accounts_registry.services.notifications import comms_recipients, notice
from portal.audit import audit_record_bulk
from portal.mail import Mail, emails_queue
from portal.reminders import reminders_claim_bulk
from portal.workdays import default_calendar

DECISION_REMINDER_KIND = "accounts_registry.request.decision_reminder"


def approval_reminder_days() -> int:
    return int(getattr(settings, "ACCOUNT_APPROVAL_REMINDER_DAYS", 5))


@dataclass
class ApprovalSweepResult:
    reminded: int = 0  # slots whose deciders were reminded
    reported: int = 0  # slots reported to comms as having no eligible approver


@transaction.atomic
def pending_approvals_sweep(*, now: datetime | None = None) -> ApprovalSweepResult:
    now = now or timezone.now()
    pending = list(
        with_decision_facts(
            AccountRequest.objects.filter(status=AccountRequest.Status.PENDING)
            .select_related("unit", "requester")
            .annotate(ready_at=Max("administrators__acknowledged_at"))
            .order_by("created_at", "id")
        )
    )
    deciders = deciders_of(pending)
    return ApprovalSweepResult(
        reminded=_remind(pending, deciders, now), reported=_report(pending, deciders)
    )


def _ready_since(request: AccountRequest) -> datetime | None:
    """When the last administrator acknowledged, or None while one has not."""
    if any(named.acknowledged_at is None for named in request.administrators.all()):
        return None
    ready_at: datetime | None = getattr(request, "ready_at", None)
    return ready_at


def _remind(pending: list[AccountRequest], deciders: dict[int, SlotDeciders], now: datetime) -> int:
    calendar = default_calendar()
    threshold = approval_reminder_days() * calendar.day_length.total_seconds()
    due: dict[tuple[str, str], tuple[AccountRequest, frozenset[int]]] = {}
    for request in pending:
        ready_at = _ready_since(request)
        if ready_at is None or calendar.working_seconds_between(ready_at, now) < threshold:
            continue
        for slot, people in deciders[request.pk].open_slots.items():
            if people:
                due[(str(request.pk), f"{slot}-slot")] = (request, people)
    claimed = reminders_claim_bulk(kind=DECISION_REMINDER_KIND, model=AccountRequest, claims=due)
    people_of: dict[int, set[int]] = {}
    requests: dict[int, AccountRequest] = {}
    for key in claimed:
        request, deciders_of_slot = due[key]
        people_of.setdefault(request.pk, set()).update(deciders_of_slot)
        requests[request.pk] = request
    mails: list[Mail] = []
    for request_id, asked in people_of.items():
        request = requests[request_id]
        mails += notice(
            to=emails_of(asked),
            subject=f"Reminder: account request waiting for your decision: {request.proposed_name}",
            template="decision_needed",
            context={
                "request": request,
                "reminder": True,
                "url": reverse("accounts_registry:request_detail", args=[request.pk]),
            },
            category="request.decision_reminder",
        )
    emails_queue(mails)
    return len(claimed)


def _report(pending: list[AccountRequest], deciders: dict[int, SlotDeciders]) -> int:
    unfilled = {
        (str(request.pk), f"{slot}-slot"): (request, slot)
        for request in pending
        for slot in deciders[request.pk].unfilled
    }
    claimed = reminders_claim_bulk(kind=NO_APPROVER_KIND, model=AccountRequest, claims=unfilled)
    reported = [unfilled[key] for key in sorted(claimed)]
    recipients = comms_recipients() if reported else []
    emails_queue(
        mail
        for request, slot in reported
        for mail in no_approver_notice(request, slot, to=recipients)
    )
    audit_record_bulk(
        actor=None,
        action="accounts_registry.request.no_approver",
        entries=((request, None, {"slot": slot}) for request, slot in reported),
    )
    return len(reported)

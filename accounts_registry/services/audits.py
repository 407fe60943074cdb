"""The annual audit (B7): the administrators' answers, and what comms hear of them."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts_registry.errors import AccountError
from accounts_registry.models import AnnualAudit, OfficialAccount
from accounts_registry.permissions import can_administer_account
from portal.audit import audit_record
from portal.models import User

from .accounts import account_flag
from .guidelines import guidelines_record
from .notifications import comms_recipients, notify

# The answers ``audit_submit`` takes; the audit form asks exactly these.
AUDIT_ANSWER_FIELDS = [
    "still_needed",
    "activity_ok",
    "admins_correct",
    "passwords_changed",
    "two_factor_on",
    "guidelines_displayed",
    "incidents",
    "outcome",
]


def audit_url(audit: AnnualAudit) -> str:
    return reverse("accounts_registry:audit", args=[audit.account_id, audit.year])


@transaction.atomic
def audit_submit(
    *,
    actor: User,
    audit_id: int,
    still_needed: bool,
    activity_ok: bool,
    admins_correct: bool,
    passwords_changed: bool,
    two_factor_on: bool,
    incidents: str,
    outcome: str,
    guidelines_displayed: bool | None = None,
) -> AnnualAudit:
    """An admin answers the audit (004 §4.17). "Close" flags the account to comms; any
    answer that shows a problem is sent to comms with the answers."""
    audit = (
        AnnualAudit.objects.select_for_update()
        .select_related("account")
        .filter(pk=audit_id)
        .first()
    )
    if audit is None or not can_administer_account(actor, audit.account):
        raise AccountError("Only the account's administrators can answer its audit.")
    if audit.is_complete:
        raise AccountError("This audit has already been answered.")
    if outcome not in AnnualAudit.Outcome.values:
        raise AccountError("Choose continue or close.", field="outcome")
    audit.still_needed = still_needed
    audit.activity_ok = activity_ok
    audit.admins_correct = admins_correct
    audit.passwords_changed = passwords_changed
    audit.two_factor_on = two_factor_on
    audit.guidelines_displayed = guidelines_displayed
    audit.incidents = incidents
    audit.outcome = outcome
    audit.completed_at = timezone.now()
    audit.completed_by = actor
    audit.save(
        update_fields=[
            "still_needed",
            "activity_ok",
            "admins_correct",
            "passwords_changed",
            "two_factor_on",
            "guidelines_displayed",
            "incidents",
            "outcome",
            "completed_at",
            "completed_by",
        ]
    )
    answers = {
        "still_needed": still_needed,
        "activity_ok": activity_ok,
        "admins_correct": admins_correct,
        "passwords_changed": passwords_changed,
        "two_factor_on": two_factor_on,
        "guidelines_displayed": guidelines_displayed,
        "incidents": incidents,
        "outcome": outcome,
    }
    audit_record(
        actor=actor, action="accounts_registry.audit.completed", target=audit.account, new=answers
    )
    concerns = [name for name, value in answers.items() if value is False]
    if guidelines_displayed is not None:  # the audit asks again (001 §6.1.8)
        guidelines_record(
            OfficialAccount.objects.select_for_update().get(pk=audit.account_id),
            actor=actor,
            displayed=guidelines_displayed,
            source=f"{audit.year} audit",
        )
    if outcome == AnnualAudit.Outcome.CLOSE:
        account = OfficialAccount.objects.select_for_update().get(pk=audit.account_id)
        account_flag(
            account,
            actor=actor,
            reason=f"{audit.year} audit: the administrators chose to close it.",
        )
    elif concerns or incidents.strip():
        notify(
            to=comms_recipients(),
            subject=f"Annual audit of {audit.account} needs attention",
            template="audit_concerns",
            context={"audit": audit, "concerns": concerns, "url": audit_url(audit)},
            category="audit.concerns",
        )
    return audit

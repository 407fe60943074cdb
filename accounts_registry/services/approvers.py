"""Routing a request to the people who may decide it, and the stand-ins comms name (B3).

Only people free of conflict are asked for a decision: never the requester, a named
administrator or the person who filled the other slot (001 §5.1). A slot nobody eligible can
fill is reported to comms once, at once; comms then name a stand-in for it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts_registry.errors import RegistryError
from accounts_registry.models import AccountRequest, ApprovalDecision, StandInApprover
from accounts_registry.permissions import is_registry_staff
from accounts_registry.selectors.approvers import SlotDeciders, emails_of, request_deciders
from portal.audit import audit_record
from portal.mail import Mail, emails_queue
from portal.models import User
from portal.permissions import has_role
from portal.reminders import reminder_claim
from portal.roles import Role

from .common import pending_refusal, request_lock
from .notifications import comms_recipients, notice, notify

NO_APPROVER_KIND = "accounts_registry.request.no_approver"
SLOT_LABELS = dict(ApprovalDecision.Slot.choices)


def decision_needed_notify(
    request: AccountRequest, *, deciders: SlotDeciders | None = None, only: set[int] | None = None
) -> None:
    """Ask the people who may decide ``request`` now (``only`` those, if given)."""
    deciders = deciders or request_deciders(request.pk)
    people = deciders.everyone if only is None else deciders.everyone & only
    notify(
        to=emails_of(people),
        subject=f"Account request waiting for your decision: {request.proposed_name}",
        template="decision_needed",
        context={
            "request": request,
            "url": reverse("accounts_registry:request_detail", args=[request.pk]),
        },
        category="request.decision_needed",
    )


def no_approver_notice(request: AccountRequest, slot: str, *, to: list[str]) -> list[Mail]:
    """Comms' email that ``slot`` of ``request`` has nobody eligible to decide it."""
    return notice(
        to=to,
        subject=f"No eligible approver for account request: {request.proposed_name}",
        template="no_eligible_approver",
        context={
            "request": request,
            "slot_label": SLOT_LABELS[slot],
            "url": reverse("accounts_registry:request_detail", args=[request.pk]),
        },
        category="request.no_approver",
    )


def approvers_check(request: AccountRequest, *, deciders: SlotDeciders | None = None) -> list[str]:
    """Report to comms, once per slot, each open slot of ``request`` nobody eligible can fill.

    Returns the slots reported now. Idempotent: a reminder claim per (request, slot) makes a
    second report impossible, however often it is called.
    """
    if request.status != AccountRequest.Status.PENDING:
        return []
    reported = []
    for slot in (deciders or request_deciders(request.pk)).unfilled:
        if not reminder_claim(kind=NO_APPROVER_KIND, target=request, period=f"{slot}-slot"):
            continue
        audit_record(
            actor=None,
            action="accounts_registry.request.no_approver",
            target=request,
            new={"slot": slot},
        )
        emails_queue(no_approver_notice(request, slot, to=comms_recipients()))
        reported.append(slot)
    return reported


@transaction.atomic
def request_stand_in_name(
    *, actor: User, request_id: int, slot: str, user_id: int, reason: str
) -> StandInApprover:
    """Comms name ``user_id`` to decide ``slot`` of a pending request; they are asked to decide.

    Refused when the actor is not comms staff, the request is not pending, the slot is unknown
    or decided, the person is not an active member of staff, or is conflicted: the requester, a
    named administrator, or the person who decided (or stands in for) the other slot.
    """
    if not has_role(actor, Role.COMMS_STAFF):
        raise RegistryError("Only comms staff may name a stand-in approver.")
    request = request_lock(request_id)
    if pending_refusal(request):
        raise RegistryError(f"No stand-in can be named: {pending_refusal(request)}.")
    if slot not in SLOT_LABELS:
        raise RegistryError("Unknown approval slot.", field="slot")
    reason = reason.strip()
    if not reason:
        raise RegistryError(
            "Say why a stand-in is needed; it is kept in the trail.", field="reason"
        )
    person = User.objects.filter(pk=user_id).first()
    if person is None or not is_registry_staff(person):
        raise RegistryError("Choose an active member of staff.", field="user")
    decisions = list(request.decisions.all())
    if any(decision.slot == slot for decision in decisions):
        raise RegistryError("This approval slot has already been decided.", field="slot")
    if person.pk == request.requester_id:
        raise RegistryError(f"{person.display_name} requested this account.", field="user")
    if request.administrators.filter(user=person).exists():
        raise RegistryError(
            f"{person.display_name} is named as one of its administrators.", field="user"
        )
    if any(decision.decided_by_id == person.pk for decision in decisions):
        raise RegistryError(f"{person.display_name} already decided the other slot.", field="user")
    if request.stand_ins.filter(user=person).exclude(slot=slot).exists():
        raise RegistryError(
            f"{person.display_name} already stands in for the other slot; one person fills "
            "one slot only.",
            field="user",
        )
    try:
        with transaction.atomic():
            named = StandInApprover.objects.create(
                request=request, slot=slot, user=person, named_by=actor, reason=reason
            )
    except IntegrityError as exc:
        raise RegistryError(
            f"{person.display_name} is already the stand-in for this slot.", field="user"
        ) from exc
    audit_record(
        actor=actor,
        action="accounts_registry.request.stand_in_named",
        target=request,
        new={"slot": slot, "stand_in": person.email, "reason": reason},
    )
    if not request.administrators.filter(acknowledged_at__isnull=True).exists():
        decision_needed_notify(request, only={person.pk})
    else:
        notify(
            to=[person.email],
            subject=f"You are the stand-in approver for: {request.proposed_name}",
            template="stand_in_named",
            context={
                "request": request,
                "slot_label": SLOT_LABELS[slot],
                "url": reverse("accounts_registry:request_detail", args=[request.pk]),
            },
            category="request.stand_in_named",
        )
    return named

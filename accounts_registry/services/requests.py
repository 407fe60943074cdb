"""Account requests: submission, acknowledgement, the two approvals and activation (B1-B3).

Every transition locks the request row, re-checks its state and the actor's right inside the
transaction, saves only the changed fields and writes an audit event. The database backs the
dual-approval rule with one decision per slot and one per person.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.models import (
    AccountRequest,
    ApprovalDecision,
    OfficialAccount,
    RequestedAdministrator,
    normalise_handle,
)
from accounts_registry.permissions import (
    CONFLICT_ADMINISTRATOR,
    CONFLICT_OTHER_SLOT,
    CONFLICT_REQUESTER,
    eligible_slots,
)
from accounts_registry.rules import (
    check_administrators,
    check_contact_email,
    check_display_name,
    check_handle,
    check_handle_free,
    check_url,
    normalise_url,
)
from accounts_registry.selectors.approvers import request_deciders
from portal.audit import audit_record
from portal.models import User
from portal.permissions import has_role
from portal.roles import Role

from .admins import admin_grant, compliance_refresh
from .approvers import approvers_check, decision_needed_notify
from .common import pending_refusal, people_by_ids, request_lock, require_pending, unit_by_id
from .discovered import discovered_link
from .notifications import notify
from .training import training_check

# The plan a request records, as ``request_submit`` takes it (besides actor, unit_id and
# administrator_ids); the request form asks for the unit and these.
REQUEST_PLAN_FIELDS = (
    "platform",
    "proposed_name",
    "proposed_handle",
    "purpose",
    "audience",
    "objectives",
    "evaluation_plan",
    "signoff_process",
    "contact_email",
)
REQUEST_FIELDS = ("unit", *REQUEST_PLAN_FIELDS)


def request_validate(
    *,
    platform: str = "",
    proposed_name: str = "",
    proposed_handle: str = "",
    contact_email: str = "",
    administrators: Sequence[User] | None = None,
) -> dict[str, list[str]]:
    """Every rule of B1-B2 at once, on whatever is given, as reasons per field (empty when the
    request is valid). A blank value or ``None`` is not checked: the form reports it missing,
    beside the rules broken by what was filled in, in one pass."""
    handle_reasons = []
    if proposed_handle.strip():
        handle_reasons = check_handle(proposed_handle)
        if platform:
            handle_reasons += check_handle_free(platform, proposed_handle)
    errors = {
        "proposed_name": check_display_name(proposed_name) if proposed_name.strip() else [],
        "proposed_handle": handle_reasons,
        "contact_email": check_contact_email(contact_email) if contact_email.strip() else [],
        "administrators": check_administrators(administrators)
        if administrators is not None
        else [],
    }
    return {field: reasons for field, reasons in errors.items() if reasons}


@transaction.atomic
def request_submit(
    *,
    actor: User,
    unit_id: int,
    platform: str,
    proposed_name: str,
    proposed_handle: str,
    purpose: str,
    audience: str,
    objectives: str,
    evaluation_plan: str,
    signoff_process: str,
    contact_email: str,
    administrator_ids: Sequence[int],
) -> AccountRequest:
    """Record a request and ask each named administrator to acknowledge the policy."""
    if not has_role(actor, Role.STAFF):
        raise RegistryError("Only members of staff may request an official account.")
    unit = unit_by_id(unit_id)
    administrators = people_by_ids(administrator_ids, field="administrators")
    plan = {
        "platform": platform,
        "proposed_name": proposed_name,
        "proposed_handle": proposed_handle,
        "purpose": purpose,
        "audience": audience,
        "objectives": objectives,
        "evaluation_plan": evaluation_plan,
        "signoff_process": signoff_process,
        "contact_email": contact_email,
    }
    missing = {
        name: ["This field is required."] for name, value in plan.items() if not value.strip()
    }
    if missing:
        raise ValidationError(missing)
    errors = request_validate(
        platform=platform,
        proposed_name=proposed_name,
        proposed_handle=proposed_handle,
        contact_email=contact_email,
        administrators=administrators,
    )
    if errors:
        raise ValidationError(errors)
    request = AccountRequest.objects.create(
        requester=actor,
        unit=unit,
        platform=platform,
        proposed_name=proposed_name.strip(),
        proposed_handle=normalise_handle(proposed_handle),
        purpose=purpose,
        audience=audience,
        objectives=objectives,
        evaluation_plan=evaluation_plan,
        signoff_process=signoff_process,
        contact_email=contact_email.strip().lower(),
    )
    RequestedAdministrator.objects.bulk_create(
        RequestedAdministrator(request=request, user=user) for user in administrators
    )
    audit_record(
        actor=actor,
        action="accounts_registry.request.submitted",
        target=request,
        new={
            "unit": unit.slug,
            "platform": platform,
            "handle": request.proposed_handle,
            "administrators": [user.email for user in administrators],
        },
    )
    notify(
        to=[user.email for user in administrators],
        subject=f"Please acknowledge the social media policy for {request.proposed_name}",
        template="acknowledge",
        context={
            "request": request,
            "url": reverse("accounts_registry:acknowledge", args=[request.pk]),
        },
        category="request.acknowledge",
    )
    discovered_link(actor=actor, platform=platform, handle=request.proposed_handle)
    approvers_check(request)
    return request


@transaction.atomic
def request_acknowledge(*, actor: User, request_id: int) -> RequestedAdministrator:
    """A named administrator accepts the policy; when the last one does, approvers are told."""
    request = request_lock(request_id)
    named = RequestedAdministrator.objects.filter(request=request, user=actor).first()
    if named is None:
        raise RegistryError("You are not named as an administrator on this request.")
    if named.acknowledged_at is not None:
        return named
    require_pending(request)
    named.acknowledged_at = timezone.now()
    named.save(update_fields=["acknowledged_at"])
    audit_record(actor=actor, action="accounts_registry.request.acknowledged", target=request)
    if not request.administrators.filter(acknowledged_at__isnull=True).exists():
        deciders = request_deciders(request.pk)  # roles may have changed since submission
        decision_needed_notify(request, deciders=deciders)
        approvers_check(request, deciders=deciders)
    return named


@transaction.atomic
def request_decide(
    *, actor: User, request_id: int, slot: str, decision: str, reason: str = ""
) -> ApprovalDecision:
    """One approver approves or rejects in one slot; a rejection or the second approval ends it.

    Refused when: the request is no longer pending; an administrator has not acknowledged; the
    actor does not hold the slot's office, is the requester or a named administrator, already
    decided the other slot; or the slot is taken. A rejection needs a reason.
    """
    request = request_lock(request_id)
    if decision not in ApprovalDecision.Decision.values:
        raise RegistryError("Unknown decision.")
    if slot not in ApprovalDecision.Slot.values:
        raise RegistryError("Unknown approval slot.")
    verb = "approved" if decision == ApprovalDecision.Decision.APPROVE else "rejected"

    def refused(why: str) -> RegistryError:
        return RegistryError(f"This request could not be {verb}: {why[:1].lower()}{why[1:]}.")

    if pending_refusal(request):
        raise refused(pending_refusal(request))
    if request.administrators.filter(acknowledged_at__isnull=True).exists():
        raise refused("every named administrator must acknowledge the policy first")
    if actor.pk == request.requester_id:
        raise refused(CONFLICT_REQUESTER)
    if request.administrators.filter(user=actor).exists():
        raise refused(CONFLICT_ADMINISTRATOR)
    if slot not in eligible_slots(actor, request):
        raise refused("you do not hold the office that decides this slot")
    earlier = list(request.decisions.all())
    if any(d.decided_by_id == actor.pk for d in earlier):
        raise refused(f"{CONFLICT_OTHER_SLOT}; the other approval must come from someone else")
    if any(d.slot == slot for d in earlier):
        raise refused("this approval slot has already been decided")
    reason = reason.strip()
    if decision == ApprovalDecision.Decision.REJECT and not reason:
        raise RegistryError("Give a reason for the rejection; the requester will see it.")
    try:
        with transaction.atomic():
            made = ApprovalDecision.objects.create(
                request=request, slot=slot, decided_by=actor, decision=decision, reason=reason
            )
    except IntegrityError as exc:  # the constraints catch what a missing lock would let by
        raise refused("this approval slot has already been decided") from exc
    audit_record(
        actor=actor,
        action=f"accounts_registry.request.{'approved' if decision == 'approve' else 'rejected'}_{slot}",
        target=request,
        new={"slot": slot, "decision": decision, "reason": reason},
    )
    if decision == ApprovalDecision.Decision.REJECT:
        _request_close(request, actor=actor, status=AccountRequest.Status.REJECTED, reason=reason)
    elif len(earlier) == 1 and earlier[0].decision == ApprovalDecision.Decision.APPROVE:
        _request_close(request, actor=actor, status=AccountRequest.Status.APPROVED, reason="")
    else:  # the other slot may have lost its last eligible person with this decision
        approvers_check(request)
    return made


def _request_close(request: AccountRequest, *, actor: User, status: str, reason: str) -> None:
    old = request.status
    request.status = status
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action=f"accounts_registry.request.{status}",
        target=request,
        old={"status": old},
        new={"status": status},
    )
    people = [request.requester.email] + [
        named.user.email for named in request.administrators.select_related("user")
    ]
    notify(
        to=people,
        subject=f"Your account request was {request.get_status_display().lower()}: {request.proposed_name}",
        template="request_decided",
        context={
            "request": request,
            "reason": reason,
            "url": reverse("accounts_registry:request_detail", args=[request.pk]),
            "activate_url": reverse("accounts_registry:activate", args=[request.pk]),
        },
        category=f"request.{status}",
    )
    discovered_link(actor=actor, platform=request.platform, handle=request.proposed_handle)


@transaction.atomic
def request_withdraw(*, actor: User, request_id: int, reason: str = "") -> AccountRequest:
    """The requester withdraws a request that is still pending (not yet decided).

    The named administrators and any approver who already decided are told; the handle is free
    again for another request. Decisions and acknowledgements are refused from then on.
    """
    request = request_lock(request_id)
    if actor.pk != request.requester_id:
        raise RegistryError("Only the requester can withdraw this request.")
    require_pending(request)
    reason = reason.strip()
    request.status = AccountRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action="accounts_registry.request.withdrawn",
        target=request,
        old={"status": AccountRequest.Status.PENDING},
        new={"status": AccountRequest.Status.WITHDRAWN, "reason": reason},
    )
    people = [named.user.email for named in request.administrators.select_related("user")] + [
        decision.decided_by.email for decision in request.decisions.select_related("decided_by")
    ]
    notify(
        to=[email for email in people if email != actor.email],
        subject=f"Account request withdrawn: {request.proposed_name}",
        template="request_withdrawn",
        context={
            "request": request,
            "reason": reason,
            "requester": actor.display_name,
            "url": reverse("accounts_registry:request_detail", args=[request.pk]),
        },
        category="request.withdrawn",
    )
    discovered_link(actor=actor, platform=request.platform, handle=request.proposed_handle)
    return request


@transaction.atomic
def request_activate(
    *, actor: User, request_id: int, handle: str, url: str, followers: int = 0
) -> OfficialAccount:
    """The requester records the live handle and URL; the account becomes active with its
    administrators, each with an open access-log entry."""
    request = request_lock(request_id)
    if actor.pk != request.requester_id:
        raise RegistryError("Only the requester can record the live account.")
    if request.status != AccountRequest.Status.APPROVED:
        raise RegistryError("Only an approved request can be activated.")
    training_check(named.user for named in request.administrators.select_related("user"))
    errors = {
        "handle": check_handle(handle)
        + check_handle_free(request.platform, handle, ignore_request=request.pk),
        "url": check_url(url) if url.strip() else ["Enter the address of the live account."],
    }
    errors = {field: reasons for field, reasons in errors.items() if reasons}
    if errors:
        raise ValidationError(errors)
    url = normalise_url(url)
    now = timezone.now()
    account = OfficialAccount.objects.create(
        unit=request.unit,
        platform=request.platform,
        handle=handle,
        name=request.proposed_name,
        url=url,
        status=OfficialAccount.Status.ACTIVE,
        followers=followers,
        created_at=now,
        contact_email=request.contact_email,
        last_activity_at=now,
    )
    for named in request.administrators.select_related("user"):
        admin_grant(
            account=account,
            user=named.user,
            actor=actor,
            reason=f"Named administrator in request #{request.pk}",
        )
    compliance_refresh(account, actor=actor)
    request.status = AccountRequest.Status.ACTIVE
    request.activated_at = now
    request.account = account
    request.save(update_fields=["status", "activated_at", "account"])
    audit_record(
        actor=actor,
        action="accounts_registry.account.activated",
        target=account,
        new={"handle": account.handle, "url": url, "request": request.pk},
    )
    audit_record(
        actor=actor,
        action="accounts_registry.request.active",
        target=request,
        old={"status": AccountRequest.Status.APPROVED},
        new={"status": AccountRequest.Status.ACTIVE, "account": account.pk},
    )
    discovered_link(actor=actor, platform=account.platform, handle=account.handle)
    return account

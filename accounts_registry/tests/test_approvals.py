"""Dual approval (B3): every path, the refusals, the audit trail and the emails."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts_registry.errors import RegistryError
from accounts_registry.models import AccountRequest, ApprovalDecision, OfficialAccount
from accounts_registry.permissions import can_administer_account
from accounts_registry.services.requests import (
    request_acknowledge,
    request_activate,
    request_decide,
)
from accounts_registry.tests.factories import acknowledged, approved, make_approver, submitted
from portal.models import AuditEvent, OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
UNIT, MARCOMMS = ApprovalDecision.Slot.UNIT, ApprovalDecision.Slot.MARCOMMS


def decide(user, request, slot, decision="approve", reason=""):
    return request_decide(
        actor=user, request_id=request.pk, slot=slot, decision=decision, reason=reason
    )


def actions(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("id").values_list("action", flat=True))


def test_submission_asks_each_admin_to_acknowledge(cast):
    request = submitted(cast)
    assert request.status == AccountRequest.Status.PENDING
    sent = set(
        OutboundEmail.objects.filter(category="accounts_registry.request.acknowledge").values_list(
            "to", flat=True
        )
    )
    assert sent == {cast.admin1.email, cast.admin2.email}
    assert "accounts_registry.request.submitted" in actions(request)


def test_decision_refused_until_every_admin_acknowledges(cast):
    request = submitted(cast)
    request_acknowledge(actor=cast.admin1, request_id=request.pk)
    with pytest.raises(RegistryError, match="acknowledge"):
        decide(cast.approver, request, UNIT)
    request_acknowledge(actor=cast.admin2, request_id=request.pk)
    decide(cast.approver, request, UNIT)


def test_last_acknowledgement_tells_the_approvers(cast):
    request = acknowledged(cast)
    sent = set(
        OutboundEmail.objects.filter(
            category="accounts_registry.request.decision_needed"
        ).values_list("to", flat=True)
    )
    assert sent == {cast.approver.email, cast.director.email}
    assert cast.other_approver.email not in sent
    # acknowledging twice is a no-op
    request_acknowledge(actor=cast.admin1, request_id=request.pk)
    assert actions(request).count("accounts_registry.request.acknowledged") == 2


def test_stranger_cannot_acknowledge(cast):
    request = submitted(cast)
    with pytest.raises(RegistryError):
        request_acknowledge(actor=cast.approver, request_id=request.pk)


@pytest.mark.parametrize("order", [(UNIT, MARCOMMS), (MARCOMMS, UNIT)])
def test_both_approvals_in_either_order_approve(cast, order):
    request = acknowledged(cast)
    people = {UNIT: cast.approver, MARCOMMS: cast.director}
    decide(people[order[0]], request, order[0])
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING
    decide(people[order[1]], request, order[1])
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.APPROVED
    assert request.decided_at is not None
    trail = actions(request)
    assert f"accounts_registry.request.approved_{order[0]}" in trail
    assert f"accounts_registry.request.approved_{order[1]}" in trail
    assert trail[-1] == "accounts_registry.request.approved"
    assert OutboundEmail.objects.filter(
        category="accounts_registry.request.approved", to=cast.requester.email
    ).exists()


@pytest.mark.parametrize("slot", [UNIT, MARCOMMS])
def test_reject_from_either_slot_needs_a_reason_and_ends_it(cast, slot):
    request = acknowledged(cast)
    person = cast.approver if slot == UNIT else cast.director
    with pytest.raises(RegistryError, match="reason"):
        decide(person, request, slot, "reject")
    decide(person, request, slot, "reject", reason="No resource to run it.")
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.REJECTED
    other = cast.director if slot == UNIT else cast.approver
    with pytest.raises(RegistryError, match="already been decided"):
        decide(other, request, MARCOMMS if slot == UNIT else UNIT)
    mail = OutboundEmail.objects.get(
        category="accounts_registry.request.rejected", to=cast.requester.email
    )
    assert "No resource to run it." in mail.body_text


def test_same_person_cannot_fill_both_slots(cast):
    both = make_approver(cast.unit)
    from portal.permissions import grant_role

    grant_role(both, Role.MARCOMMS_DIRECTOR)
    request = acknowledged(cast)
    decide(both, request, UNIT)
    with pytest.raises(RegistryError, match="already approved the other slot"):
        decide(both, request, MARCOMMS)
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING


def test_requester_cannot_approve(cast):
    from portal.permissions import grant_object_role

    grant_object_role(cast.requester, "portal.approve_account_requests", cast.unit)
    request = acknowledged(cast)
    with pytest.raises(RegistryError, match="could not be approved: you requested this account"):
        decide(cast.requester, request, UNIT)


def test_named_admin_cannot_approve(cast):
    director_admin = make_user(Role.MARCOMMS_DIRECTOR)
    request = acknowledged(cast, administrator_ids=[cast.admin1.pk, director_admin.pk])
    with pytest.raises(RegistryError, match="named as one of its administrators"):
        decide(director_admin, request, MARCOMMS)


def test_approver_of_another_unit_is_refused(cast):
    request = acknowledged(cast)
    with pytest.raises(RegistryError, match="office"):
        decide(cast.other_approver, request, UNIT)


def test_plain_staff_cannot_take_the_director_slot(cast):
    request = acknowledged(cast)
    with pytest.raises(RegistryError, match="office"):
        decide(make_user(Role.STAFF), request, MARCOMMS)


def test_decided_request_refuses_further_decisions(cast):
    request = approved(cast)
    with pytest.raises(RegistryError, match="already been decided"):
        decide(make_user(Role.MARCOMMS_DIRECTOR), request, MARCOMMS)


def test_taken_slot_is_refused(cast):
    request = acknowledged(cast)
    decide(cast.director, request, MARCOMMS)
    with pytest.raises(RegistryError, match="slot has already been decided"):
        decide(make_user(Role.MARCOMMS_DIRECTOR), request, MARCOMMS)


def test_decisions_are_insert_only(cast):
    request = acknowledged(cast)
    first = decide(cast.director, request, MARCOMMS)
    with pytest.raises(PermissionDenied):
        first.save()
    with pytest.raises(PermissionDenied):
        ApprovalDecision.objects.filter(pk=first.pk).update(reason="rewritten")


def test_activation_creates_an_active_account_with_its_admins(cast):
    request = approved(cast)
    with pytest.raises(RegistryError):
        request_activate(
            actor=cast.admin1,
            request_id=request.pk,
            handle=request.proposed_handle,
            url="https://x.test/",
        )
    account = request_activate(
        actor=cast.requester,
        request_id=request.pk,
        handle="@" + request.proposed_handle.upper(),
        url="https://www.instagram.com/unisocsci/",
        followers=900,
    )
    assert account.status == OfficialAccount.Status.ACTIVE
    assert account.handle == request.proposed_handle
    assert account.is_compliant
    assert can_administer_account(cast.admin1, account) and can_administer_account(
        cast.admin2, account
    )
    assert not can_administer_account(cast.requester, account)
    assert account.assignments.filter(revoked_at__isnull=True).count() == 2
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.ACTIVE and request.account == account
    assert "accounts_registry.account.activated" in actions(account)
    with pytest.raises(RegistryError, match="approved"):
        request_activate(
            actor=cast.requester, request_id=request.pk, handle="unix", url="https://x.test/"
        )


def test_pending_request_cannot_be_activated(cast):
    request = acknowledged(cast)
    with pytest.raises(RegistryError):
        request_activate(
            actor=cast.requester,
            request_id=request.pk,
            handle=request.proposed_handle,
            url="https://x.test/",
        )


def test_acknowledgement_email_is_delivered_after_commit(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        request = submitted(cast)
    delivered = {m.to[0]: m for m in mailoutbox}
    assert set(delivered) == {cast.admin1.email, cast.admin2.email}
    body = delivered[cast.admin1.email].body
    assert f"/social/requests/{request.pk}/acknowledge/" in body
    assert "&#x27;" not in body and "&amp;" not in body

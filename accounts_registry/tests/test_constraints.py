"""Each defence the database backs, tested twice: through the service (its refusal message)
and with the service bypassed (the IntegrityError naming the constraint), so that neither
layer can go missing unnoticed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.models import AnnualAudit, ApprovalDecision, OfficialAccount
from accounts_registry.services.requests import request_activate, request_decide
from accounts_registry.tests.factories import acknowledged, active_account, approved, make_approver
from portal.permissions import grant_role
from portal.roles import Role
from portal.tests.db import refused_by_database
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
UNIT, MARCOMMS = ApprovalDecision.Slot.UNIT, ApprovalDecision.Slot.MARCOMMS


def decide(user, request, slot):
    return request_decide(actor=user, request_id=request.pk, slot=slot, decision="approve")


# --- One decision per slot --------------------------------------------------------------------


def test_slot_taken_refused_by_the_service(cast):
    request = acknowledged(cast)
    decide(cast.director, request, MARCOMMS)
    with pytest.raises(RegistryError, match="slot has already been decided"):
        decide(make_user(Role.MARCOMMS_DIRECTOR), request, MARCOMMS)
    assert ApprovalDecision.objects.filter(request=request).count() == 1


def test_slot_taken_refused_by_the_database(cast):
    request = acknowledged(cast)
    decide(cast.director, request, MARCOMMS)
    with refused_by_database("decision_once_per_slot"), transaction.atomic():
        ApprovalDecision.objects.create(
            request=request, slot=MARCOMMS, decided_by=cast.approver, decision="approve"
        )
    assert ApprovalDecision.objects.filter(request=request).count() == 1


# --- Two different approvers ------------------------------------------------------------------


def test_second_decision_by_the_same_person_refused_by_the_service(cast):
    both = make_approver(cast.unit)
    grant_role(both, Role.MARCOMMS_DIRECTOR)
    request = acknowledged(cast)
    decide(both, request, UNIT)
    with pytest.raises(RegistryError, match="already approved the other slot"):
        decide(both, request, MARCOMMS)
    assert ApprovalDecision.objects.filter(request=request).count() == 1


def test_second_decision_by_the_same_person_refused_by_the_database(cast):
    request = acknowledged(cast)
    decide(cast.director, request, MARCOMMS)
    with refused_by_database("decision_once_per_person"), transaction.atomic():
        ApprovalDecision.objects.create(
            request=request, slot=UNIT, decided_by=cast.director, decision="approve"
        )
    assert ApprovalDecision.objects.filter(request=request).count() == 1


# --- One account per platform and handle ------------------------------------------------------


def test_handle_taken_refused_by_the_service(cast):
    account = active_account(cast)
    request = approved(cast)
    with pytest.raises(ValidationError, match="already in the registry") as refused:
        request_activate(
            actor=cast.requester,
            request_id=request.pk,
            handle=account.handle,
            url="https://example.com/",
        )
    assert "handle" in refused.value.message_dict
    assert OfficialAccount.objects.filter(handle=account.handle).count() == 1


def test_handle_taken_refused_by_the_database(cast):
    account = active_account(cast)
    with refused_by_database("account_platform_handle"), transaction.atomic():
        OfficialAccount.objects.create(
            unit=cast.unit,
            platform=account.platform,
            handle=account.handle,
            name="Impostor",
            created_at=timezone.now(),
        )
    assert OfficialAccount.objects.filter(handle=account.handle).count() == 1


# --- One audit per account and year -----------------------------------------------------------


def test_second_audit_of_a_year_refused_by_the_database(cast):
    account = active_account(cast)
    AnnualAudit.objects.create(account=account, year=2026, due_on=timezone.localdate())
    with refused_by_database("one_audit_per_account_year"), transaction.atomic():
        AnnualAudit.objects.create(account=account, year=2026, due_on=timezone.localdate())
    assert AnnualAudit.objects.filter(account=account).count() == 1

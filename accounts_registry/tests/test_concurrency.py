"""Concurrent clicks on PostgreSQL: exactly one outcome per slot, the right audit events."""

import threading

import pytest
from django.db import connection

from accounts_registry.errors import RegistryError
from accounts_registry.models import AccountRequest, ApprovalDecision
from accounts_registry.services.requests import request_decide
from accounts_registry.tests.factories import acknowledged, make_cast
from portal.models import AuditEvent
from portal.permissions import grant_object_role
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls):
    """Run each (user, request_id, slot, decision) at the same moment; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str | None] = [None] * len(calls)

    def worker(index, user, request_id, slot, decision):
        try:
            barrier.wait(timeout=10)
            request_decide(
                actor=user, request_id=request_id, slot=slot, decision=decision, reason="r"
            )
            outcomes[index] = "ok"
        except RegistryError as exc:
            outcomes[index] = f"refused: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def actions(request):
    return list(AuditEvent.objects.for_object(request).values_list("action", flat=True))


def test_two_slots_at_once_and_two_races_on_each_slot(postgres_only):
    cast = make_cast()
    second_approver = make_user(Role.STAFF)
    grant_object_role(second_approver, "portal.approve_account_requests", cast.unit)
    second_director = make_user(Role.MARCOMMS_DIRECTOR)
    request = acknowledged(cast)
    outcomes = race(
        [
            (cast.approver, request.pk, "unit", "approve"),
            (second_approver, request.pk, "unit", "approve"),
            (cast.director, request.pk, "marcomms", "approve"),
            (second_director, request.pk, "marcomms", "approve"),
        ]
    )
    assert outcomes.count("ok") == 2, outcomes
    assert outcomes[0:2].count("ok") == 1 and outcomes[2:4].count("ok") == 1
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.APPROVED
    decisions = ApprovalDecision.objects.filter(request=request)
    assert sorted(decisions.values_list("slot", flat=True)) == ["marcomms", "unit"]
    trail = actions(request)
    assert trail.count("accounts_registry.request.approved_unit") == 1
    assert trail.count("accounts_registry.request.approved_marcomms") == 1
    assert trail.count("accounts_registry.request.approved") == 1


def test_approve_and_reject_race_on_one_slot_ends_in_one_outcome(postgres_only):
    cast = make_cast()
    second_director = make_user(Role.MARCOMMS_DIRECTOR)
    request = acknowledged(cast)
    outcomes = race(
        [
            (cast.director, request.pk, "marcomms", "approve"),
            (second_director, request.pk, "marcomms", "reject"),
        ]
    )
    assert outcomes.count("ok") == 1, outcomes
    decision = ApprovalDecision.objects.get(request=request)
    request.refresh_from_db()
    expected = (
        AccountRequest.Status.REJECTED
        if decision.decision == "reject"
        else AccountRequest.Status.PENDING
    )
    assert request.status == expected
    trail = actions(request)
    assert (
        trail.count("accounts_registry.request.approved_marcomms")
        + trail.count("accounts_registry.request.rejected_marcomms")
        == 1
    )

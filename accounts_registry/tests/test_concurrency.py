"""Concurrent clicks and sweeps on PostgreSQL: exactly one outcome, the right audit events.

Every race runs ROUNDS times: one round passes by luck of timing far too often to prove a lock.
Each thread starts on a barrier and closes its own connection.
"""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.jobs import inactivity_sweep
from accounts_registry.models import AccountRequest, ApprovalDecision
from accounts_registry.services.requests import request_decide
from accounts_registry.tests.factories import acknowledged, active_account, make_cast
from portal.models import AuditEvent, OutboundEmail, Reminder
from portal.permissions import grant_object_role
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 20


def run_at_once(actions: list[Callable[[], object]]) -> list[str]:
    """Run each action in its own thread, released together; "ok" (or the result), "refused: ..."."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = ["not run"] * len(actions)

    def worker(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            result = action()
            outcomes[index] = "ok" if result is None else str(result)
        except RegistryError as exc:
            outcomes[index] = f"refused: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def decide(user, request_id, slot, decision):
    def action():
        request_decide(actor=user, request_id=request_id, slot=slot, decision=decision, reason="r")

    return action


def actions(request):
    return list(AuditEvent.objects.for_object(request).values_list("action", flat=True))


def test_two_slots_at_once_and_two_races_on_each_slot(postgres_only):
    for round_ in range(ROUNDS):
        cast = make_cast()
        second_approver = make_user(Role.STAFF)
        grant_object_role(second_approver, "portal.approve_account_requests", cast.unit)
        second_director = make_user(Role.MARCOMMS_DIRECTOR)
        request = acknowledged(cast)
        outcomes = run_at_once(
            [
                decide(cast.approver, request.pk, "unit", "approve"),
                decide(second_approver, request.pk, "unit", "approve"),
                decide(cast.director, request.pk, "marcomms", "approve"),
                decide(second_director, request.pk, "marcomms", "approve"),
            ]
        )
        assert outcomes.count("ok") == 2, (round_, outcomes)
        assert outcomes[0:2].count("ok") == 1 and outcomes[2:4].count("ok") == 1, outcomes
        request.refresh_from_db()
        assert request.status == AccountRequest.Status.APPROVED
        decisions = ApprovalDecision.objects.filter(request=request)
        assert sorted(decisions.values_list("slot", flat=True)) == ["marcomms", "unit"]
        trail = actions(request)
        assert trail.count("accounts_registry.request.approved_unit") == 1
        assert trail.count("accounts_registry.request.approved_marcomms") == 1
        assert trail.count("accounts_registry.request.approved") == 1


def test_approve_and_reject_race_on_one_slot_ends_in_one_outcome(postgres_only):
    for round_ in range(ROUNDS):
        cast = make_cast()
        second_director = make_user(Role.MARCOMMS_DIRECTOR)
        request = acknowledged(cast)
        outcomes = run_at_once(
            [
                decide(cast.director, request.pk, "marcomms", "approve"),
                decide(second_director, request.pk, "marcomms", "reject"),
            ]
        )
        assert outcomes.count("ok") == 1, (round_, outcomes)
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


def test_two_inactivity_sweeps_at_once_remind_once(postgres_only):
    later = timezone.now() + timedelta(days=91)
    for round_ in range(ROUNDS):
        account = active_account(make_cast())
        outcomes = run_at_once([lambda: inactivity_sweep(now=later).reminded for _ in range(2)])
        assert sorted(outcomes) == ["0", "1"], (round_, outcomes)
        assert (
            Reminder.objects.filter(
                kind="accounts_registry.inactivity", target_id=str(account.pk)
            ).count()
            == 1
        )
        sent = OutboundEmail.objects.filter(
            category="accounts_registry.account.inactivity_reminder",
            subject__contains=account.handle,
        )
        assert sent.count() == 2, (round_, list(sent.values_list("to", flat=True)))

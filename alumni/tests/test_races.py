"""Races on PostgreSQL: one record verifies one account, and one decision wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from alumni.errors import AlumniError
from alumni.matching import Details
from alumni.models import Verification
from alumni.services.verification import (
    verification_reject,
    verification_start,
    verification_verify_with_evidence,
)
from alumni.tests.factories import make_pending, make_record, verification_of
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

ROUNDS = 20  # one round passes by luck often enough; twenty do not


def _run_together(*actions: object) -> list[str]:
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: object) -> None:
        try:
            barrier.wait()
            outcomes.append(str(action()))  # type: ignore[operator]
        except AlumniError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_matching_one_record_verify_one_account(postgres_only: None) -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    for round_no in range(ROUNDS):
        family = f"Racer{round_no}"
        record = make_record(staff, family_name=family)
        people: list[User] = [make_user(Role.ALUMNUS, graduate_verified=False) for _ in range(2)]
        details = Details(
            given_names="Ada",
            family_name=family,
            graduation_year=2015,
            programme="Economics",
            birth_year=1990,
        )
        outcomes = _run_together(
            *(
                (lambda pk=p.pk: verification_start(user_id=pk, details=details).status)
                for p in people
            )
        )
        assert outcomes == ["pending", "verified"], f"round {round_no}"
        assert Verification.objects.filter(record=record).count() == 1, f"round {round_no}"


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_one_verification_one_wins(postgres_only: None) -> None:
    staff = [make_user(Role.ENGAGEMENT_STAFF), make_user(Role.ENGAGEMENT_STAFF)]
    for round_no in range(ROUNDS):
        verification = verification_of(make_pending())
        outcomes = _run_together(
            lambda: (
                verification_verify_with_evidence(
                    actor=staff[0], verification_id=verification.pk, evidence="seen"
                ).status
            ),
            lambda: (
                verification_reject(
                    actor=staff[1], verification_id=verification.pk, reason="No."
                ).status
            ),
        )
        assert outcomes.count("refused") == 1, f"round {round_no}: {outcomes}"
        from portal.models import AuditEvent

        decided = AuditEvent.objects.for_object(verification).filter(
            action__in=["alumni.verification.verified", "alumni.verification.rejected"]
        )
        assert decided.count() == 1, f"round {round_no}"

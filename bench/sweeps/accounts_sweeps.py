"""Sweep bench scenarios of the accounts registry: inactivity, annual audits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.sweeps.common import NEW, OPEN, clones, reminded


def accounts_inactivity(now: datetime) -> Callable[[], Any]:
    import time_machine

    from accounts_registry.models import AdminAssignment, OfficialAccount
    from accounts_registry.tasks import run_inactivity_checks
    from accounts_registry.tests.factories import active_account, make_cast

    with time_machine.travel(now - timedelta(days=200), tick=False):
        cast = make_cast()
        account = active_account(cast)
    assignment = AdminAssignment.objects.filter(account=account).first()

    def vary(copy: Any, n: int) -> None:
        copy.handle = f"bench_inactive_{n}"
        # The old ones were reminded 10 days ago, inside the 30-day grace; the new are due.
        copy.inactivity_reminded_at = now - timedelta(days=10) if n >= NEW else None

    made = clones(OfficialAccount, account, OPEN, vary)
    OfficialAccount.objects.filter(pk=account.pk).update(inactivity_reminded_at=now)
    if assignment is not None:
        AdminAssignment.objects.bulk_create(
            [AdminAssignment(account=a, user_id=assignment.user_id) for a in made[:NEW]]
        )
    return lambda: run_inactivity_checks()


def accounts_audits(today: date) -> Callable[[], Any]:
    import time_machine

    from accounts_registry.jobs import audit_due_days
    from accounts_registry.models import AnnualAudit, OfficialAccount
    from accounts_registry.tasks import run_annual_audits
    from accounts_registry.tests.factories import active_account, make_cast

    with time_machine.travel(datetime(today.year - 1, 1, 2, 9, tzinfo=UTC), tick=False):
        cast = make_cast()
        account = active_account(cast)

    def vary(copy: Any, n: int) -> None:
        copy.handle = f"bench_audit_{n}"

    made = [account, *clones(OfficialAccount, account, OPEN - 1, vary)]
    # Audits opened for all but the new ones, due in five days (inside the reminder window).
    audits = AnnualAudit.objects.bulk_create(
        [
            AnnualAudit(account=a, year=today.year, due_on=today + timedelta(days=5))
            for a in made[NEW:]
        ],
        batch_size=5000,
    )
    reminded("accounts_registry.audit.reminder", AnnualAudit, [(a.pk, str(a.year)) for a in audits])
    assert audit_due_days() > 5
    return lambda: run_annual_audits()


def accounts_training(today: date) -> Callable[[], Any]:
    """``OPEN`` administrators (a hundred on each of a thousand accounts) whose training expires
    within the reminder window; all but ``NEW`` were reminded by earlier runs. Training is
    required, so the flag step looks for lapsed records among them too (none have lapsed)."""
    import time_machine

    from accounts_registry.models import AdminAssignment, OfficialAccount, TrainingRecord
    from accounts_registry.services.training import governance_settings_update
    from accounts_registry.tasks import run_training_expiry
    from accounts_registry.tests.factories import active_account, make_cast
    from portal.models import User

    with time_machine.travel(datetime(today.year - 1, 1, 2, 9, tzinfo=UTC), tick=False):
        cast = make_cast()
        account = active_account(cast)
    governance_settings_update(actor=cast.comms, training_required=True, training_valid_days=365)

    def vary(copy: Any, n: int) -> None:
        copy.handle = f"bench_training_{n}"

    accounts = [account, *clones(OfficialAccount, account, OPEN // 100 - 1, vary)]
    users = User.objects.bulk_create(
        [User(email=f"bench.admin{n}@example.com") for n in range(OPEN)], batch_size=5000
    )
    AdminAssignment.objects.bulk_create(
        [
            AdminAssignment(account=accounts[n % len(accounts)], user=u, reason="Bench")
            for n, u in enumerate(users)
        ],
        batch_size=5000,
    )
    completed = today - timedelta(days=350)
    reminded_at = datetime.combine(today - timedelta(days=5), datetime.min.time(), tzinfo=UTC)
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                user=u,
                course="Social media etiquette",
                completed_on=completed,
                expires_on=completed + timedelta(days=365),
                recorded_by=u,
                expiry_reminded_at=None if n < NEW else reminded_at,
            )
            for n, u in enumerate(users)
        ],
        batch_size=5000,
    )
    return lambda: run_training_expiry()


def accounts_advice(now: datetime) -> Callable[[], Any]:
    """``OPEN`` open advice requests past their due time; comms were told about all but
    ``NEW`` by earlier runs."""
    import time_machine

    from accounts_registry.models import AdviceRequest
    from accounts_registry.services.advice import advice_request_create
    from accounts_registry.tasks import run_advice_overdue
    from accounts_registry.tests.factories import make_cast

    with time_machine.travel(now - timedelta(days=7), tick=False):
        cast = make_cast()
        first = advice_request_create(
            actor=cast.admin1,
            content="Draft: statement on the campus closure.",
            why_sensitive="Staff and students are affected.",
            urgency="normal",
        )
    told = now - timedelta(days=3)

    def vary(copy: Any, n: int) -> None:
        copy.content = f"Draft {n}: statement on the campus closure."
        copy.overdue_notified_at = None if n < NEW else told

    clones(AdviceRequest, first, OPEN - 1, vary)
    AdviceRequest.objects.filter(pk=first.pk).update(overdue_notified_at=told)
    return lambda: run_advice_overdue()

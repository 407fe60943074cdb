"""The governance sweeps cost what the work costs: telling comms about 3 or 30 overdue advice
requests, reminding 3 or 30 administrators of expiring training and flagging their 3 or 30
accounts are the same statements, and an idle run is one query per step however many wait."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_registry import tasks
from accounts_registry.models import AdviceRequest, OfficialAccount, TrainingRecord
from accounts_registry.services.admins import account_admin_add
from accounts_registry.services.advice import advice_request_create
from accounts_registry.services.training import governance_settings_update, training_record
from accounts_registry.tests.factories import Cast, active_account
from portal.models import AuditEvent, OutboundEmail, Reminder
from portal.roles import Role
from portal.tests.factories import make_user
from portal.workdays import LONDON

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 5, 10, tzinfo=LONDON)  # a Monday


def queries(run: Callable[[], Any]) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's own transaction turns each atomic block into a savepoint; production has none.
    statements = [q["sql"] for q in captured.captured_queries]
    return result, len([sql for sql in statements if "SAVEPOINT" not in sql])


@pytest.mark.parametrize("count", [3, 30])
def test_advice_overdue_in_bulk_then_idle(cast: Cast, count: int) -> None:
    ContentType.objects.get_for_models(AdviceRequest)  # cached, as in a worker
    with time_machine.travel(START, tick=False):
        for n in range(count):
            advice_request_create(
                actor=cast.admin1,
                content=f"Draft {n}: statement on the campus closure.",
                why_sensitive="Staff and students are affected.",
                urgency="crisis",
            )
    with time_machine.travel(START + timedelta(days=1), tick=False):
        result, sending = queries(tasks.run_advice_overdue)
        assert result == {"escalated": count}
        # find and lock, stamp, claim, audit insert, comms staff, outbox insert
        assert sending == 6
        again, idle = queries(tasks.run_advice_overdue)
        assert again == {"escalated": 0} and idle == 1
    overdue = OutboundEmail.objects.filter(category="accounts_registry.advice.overdue")
    assert overdue.filter(to=cast.comms.email).count() == count
    assert AuditEvent.objects.filter(action="accounts_registry.advice.overdue").count() == count
    assert Reminder.objects.filter(kind="accounts_registry.advice.overdue").count() == count


def _lapsing_admins(cast: Cast, count: int) -> list[OfficialAccount]:
    """``count`` accounts, each with one more administrator; every administrator (the cast's
    two, who hold every account, and the ``count`` others) trained on ``START`` for 90 days."""
    ContentType.objects.get_for_models(TrainingRecord, OfficialAccount)
    with time_machine.travel(START, tick=False):
        governance_settings_update(
            actor=cast.comms, training_required=False, training_valid_days=90
        )
        accounts = [active_account(cast) for _ in range(count)]
        staff = [cast.admin1, cast.admin2]
        for account in accounts:
            extra = make_user(Role.STAFF)
            account_admin_add(
                actor=cast.comms, account_id=account.pk, user_id=extra.pk, reason="Cover"
            )
            staff.append(extra)
        for person in staff:
            training_record(actor=person, course="Etiquette", completed_on=START.date())
        governance_settings_update(actor=cast.comms, training_required=True, training_valid_days=90)
    return accounts


@pytest.mark.parametrize("count", [3, 30])
def test_training_expiry_in_bulk_then_idle(cast: Cast, count: int) -> None:
    accounts = _lapsing_admins(cast, count)
    admins = count + 2
    assert TrainingRecord.objects.get(user=cast.admin1).expires_on == date(2026, 4, 5)
    with time_machine.travel(datetime(2026, 3, 10, 10, tzinfo=LONDON), tick=False):
        result, sending = queries(tasks.run_training_expiry)
        assert result == {"reminded": admins, "flagged": 0}
        # remind: find and lock, stamp, claim, outbox insert; flag: settings, find
        assert sending == 6
        again, idle = queries(tasks.run_training_expiry)
        assert again == {"reminded": 0, "flagged": 0}
        assert idle == 3  # remind: find; flag: settings, find
    reminders = OutboundEmail.objects.filter(category="accounts_registry.training.expiring")
    assert reminders.count() == admins
    with time_machine.travel(datetime(2026, 4, 6, 10, tzinfo=LONDON), tick=False):
        result, flagging = queries(tasks.run_training_expiry)
        assert result == {"reminded": 0, "flagged": count}
        # remind: find; flag: settings, find and lock, stamp, seats, lock accounts,
        # update, audit insert, claim, comms staff, outbox insert
        assert flagging == 11
        again, idle = queries(tasks.run_training_expiry)
        assert again == {"reminded": 0, "flagged": 0} and idle == 3
    flagged = OfficialAccount.objects.filter(pk__in=[a.pk for a in accounts])
    assert {a.status for a in flagged} == {OfficialAccount.Status.FLAGGED}
    # Each account once, for the first of its administrators whose training lapsed.
    assert all(cast.admin1.display_name in a.flag_reason for a in flagged)
    assert AuditEvent.objects.filter(action="accounts_registry.account.flagged").count() == count
    comms = OutboundEmail.objects.filter(category="accounts_registry.account.flagged")
    assert comms.filter(to=cast.comms.email).count() == count
    assert TrainingRecord.objects.filter(expiry_flagged_at__isnull=True).count() == 0

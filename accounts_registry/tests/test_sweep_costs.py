"""The registry's sweeps cost what the work costs: a run that sends is the same statements for
2 or 8 accounts, and an idle run is one query per step whatever the number of accounts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts_registry import tasks
from accounts_registry.models import AnnualAudit, OfficialAccount
from accounts_registry.tests.factories import active_account
from portal.models import AuditEvent, OutboundEmail, Reminder

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
START = datetime(2025, 1, 5, 9, 0, tzinfo=TZ)


def queries(run) -> tuple[dict[str, int], int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's own transaction turns each atomic block into a savepoint; production has none.
    statements = [q["sql"] for q in captured.captured_queries]
    return result, len([sql for sql in statements if "SAVEPOINT" not in sql])


def accounts(cast, count: int) -> list[OfficialAccount]:
    ContentType.objects.get_for_models(OfficialAccount, AnnualAudit)  # cached, as in a worker
    with time_machine.travel(START, tick=False):
        return [active_account(cast) for _ in range(count)]


@pytest.mark.parametrize("count", [2, 8])
def test_inactivity_sweep_in_bulk(cast, count):
    made = accounts(cast, count)
    with time_machine.travel(START + timedelta(days=91), tick=False):
        result, sending = queries(tasks.run_inactivity_checks)
        assert result == {"reminded": count, "flagged": 0}
        # lock, mark, claim, admins, outbox insert, audit insert; the flag step finds nothing
        assert sending == 7
        again, idle = queries(tasks.run_inactivity_checks)
        assert again == {"reminded": 0, "flagged": 0} and idle == 2
    assert (
        OutboundEmail.objects.filter(
            category="accounts_registry.account.inactivity_reminder"
        ).count()
        == 2 * count
    )  # two admins each
    with time_machine.travel(START + timedelta(days=91 + 31), tick=False):
        result, flagging = queries(tasks.run_inactivity_checks)
        assert result == {"reminded": 0, "flagged": count}
        # remind step finds nothing; flag: lock, update, audit insert, claim, comms, outbox insert
        assert flagging <= 9
        again, idle = queries(tasks.run_inactivity_checks)
        assert again == {"reminded": 0, "flagged": 0} and idle == 2
    assert {a.status for a in OfficialAccount.objects.filter(pk__in=[a.pk for a in made])} == {
        OfficialAccount.Status.FLAGGED
    }
    assert AuditEvent.objects.filter(action="accounts_registry.account.flagged").count() == count
    assert Reminder.objects.filter(kind="accounts_registry.flagged").count() == count


@pytest.mark.parametrize("count", [2, 8])
def test_annual_audit_sweep_in_bulk(cast, count):
    accounts(cast, count)
    opening = datetime(2026, 1, 5, 8, 0, tzinfo=TZ)
    with time_machine.travel(opening, tick=False):
        result, sending = queries(tasks.run_annual_audits)
        assert result == {"opened": count, "reminded": 0, "escalated": 0}
        # open: find, insert audits, audit events, claim, admins, outbox; remind, escalate: find
        assert sending == 8
        again, idle = queries(tasks.run_annual_audits)
        assert again == {"opened": 0, "reminded": 0, "escalated": 0}
        assert idle == 3  # one query per step
    with time_machine.travel(opening + timedelta(days=25), tick=False):
        result, _ = queries(tasks.run_annual_audits)
        assert result["reminded"] == count
        again, idle = queries(tasks.run_annual_audits)
        assert again["reminded"] == 0 and idle == 3
    with time_machine.travel(opening + timedelta(days=31), tick=False):
        result, _ = queries(tasks.run_annual_audits)
        assert result["escalated"] == count
        again, idle = queries(tasks.run_annual_audits)
        assert again == {"opened": 0, "reminded": 0, "escalated": 0} and idle == 3
    assert AnnualAudit.objects.filter(escalated_at__isnull=False).count() == count
    assert OutboundEmail.objects.filter(category="accounts_registry.audit.reminder").count() == (
        2 * count
    )

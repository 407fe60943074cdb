"""The groups sweeps cost what the work costs: an idle run is a fixed number of queries however
many requests are open or overdue, and a run that sends is the same few statements for 3 or 30."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups import jobs, tasks
from groups.models import AlumniGroup, GroupRequest
from groups.services.requests import request_submit
from groups.tests.factories import details, make_member
from portal.models import OutboundEmail, Reminder
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SUBMITTED = datetime(2026, 11, 23, 10, tzinfo=LONDON)  # due Thu 26 Nov 10:00
OVERDUE = datetime(2026, 11, 26, 11, tzinfo=LONDON)


def open_requests(group, committee, count: int) -> None:
    """``count`` requests on the team's clock, all due at the same time."""
    ContentType.objects.get_for_models(GroupRequest, AlumniGroup)  # cached, as in a worker
    with time_machine.travel(SUBMITTED, tick=False):
        first = request_submit(actor=committee, group_id=group.pk, details=details())
    copies = []
    for _ in range(count - 1):
        copy = GroupRequest.objects.get(pk=first.pk)
        copy.pk = None
        copies.append(copy)
    GroupRequest.objects.bulk_create(copies)


def queries(run) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's own transaction turns each atomic block into a savepoint; production has none.
    statements = [q["sql"] for q in captured.captured_queries]
    return result, len([sql for sql in statements if "SAVEPOINT" not in sql])


@pytest.mark.parametrize("count", [3, 30])
def test_sla_sweep_sends_in_bulk_then_idles_in_two_queries(group, committee, count):
    make_user(Role.ENGAGEMENT_MANAGER)
    make_user(Role.ENGAGEMENT_STAFF)
    make_member(group)
    open_requests(group, committee, count)
    with time_machine.travel(OVERDUE, tick=False):
        sent, sending_queries = queries(tasks.send_sla_reminders)
        assert sent == {"due_soon": 0, "overdue": count}
        # Find, claim, managers' addresses, one outbox insert; then the empty due-soon query.
        assert sending_queries == 5
        assert OutboundEmail.objects.filter(category="groups.sla.overdue").count() == count
        again, idle_queries = queries(tasks.send_sla_reminders)
    assert again == {"due_soon": 0, "overdue": 0}
    assert idle_queries == 2
    assert Reminder.objects.filter(kind="groups.sla.overdue").count() == count
    assert OutboundEmail.objects.filter(category="groups.sla.overdue").count() == count


@pytest.mark.parametrize("count", [3, 30])
def test_sla_due_soon_idle_run_is_two_queries(group, committee, count):
    make_user(Role.ENGAGEMENT_STAFF)
    make_member(group)
    open_requests(group, committee, count)
    with time_machine.travel(datetime(2026, 11, 25, 11, tzinfo=LONDON), tick=False):
        assert tasks.send_sla_reminders() == {"due_soon": count, "overdue": 0}
        again, idle_queries = queries(tasks.send_sla_reminders)
    assert again == {"due_soon": 0, "overdue": 0}
    assert idle_queries == 2


@pytest.mark.parametrize("count", [1, 12])
def test_plan_reminder_idle_run_is_one_query(count):
    from datetime import date

    from groups.tests.factories import make_committee, make_group

    ContentType.objects.get_for_models(AlumniGroup)
    for index in range(count):
        make_committee(make_group(name=f"Group {index}", slug=f"group-{index}"))
    today = date(2027, 1, 10)
    sent, sending_queries = queries(lambda: jobs.plan_reminder_sweep(today=today))
    assert sent == count
    assert sending_queries == 3  # groups and seats, claim, outbox insert
    again, idle_queries = queries(lambda: jobs.plan_reminder_sweep(today=today))
    assert again == 0 and idle_queries == 1

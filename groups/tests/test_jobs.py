"""Scheduled jobs: SLA reminders and annual-plan reminders go once, however often they run."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from groups import tasks
from groups.jobs import plan_reminder_sweep
from groups.models import AnnualPlan
from groups.services.plans import plan_save, plan_submit
from groups.services.requests import (
    request_ask_changes,
    request_resubmit,
    request_start,
    request_submit,
)
from groups.tests.factories import details, make_member
from portal.models import OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=LONDON)


def sla_mail(category: str) -> list[str]:
    return list(OutboundEmail.objects.filter(category=category).values_list("to", flat=True))


def test_sla_reminder_then_escalation_once_each(group, committee):
    staff = make_user(Role.ENGAGEMENT_STAFF)
    manager = make_user(Role.ENGAGEMENT_MANAGER)
    make_member(group)
    with time_machine.travel(at(23, 10), tick=False):  # due Thu 26 Nov 10:00
        req = request_submit(actor=committee, group_id=group.pk, details=details())
        assert tasks.send_sla_reminders() == {"due_soon": 0, "overdue": 0}
    with time_machine.travel(at(25, 11), tick=False):
        assert tasks.send_sla_reminders() == {"due_soon": 1, "overdue": 0}
        assert tasks.send_sla_reminders() == {"due_soon": 0, "overdue": 0}
    assert staff.email in sla_mail("groups.sla.due_soon")
    team = User.objects.filter(groups__name=Role.ENGAGEMENT_STAFF.value)
    assert sorted(sla_mail("groups.sla.due_soon")) == sorted(team.values_list("email", flat=True))
    with time_machine.travel(at(26, 11), tick=False):
        assert tasks.send_sla_reminders()["overdue"] == 1
        assert tasks.send_sla_reminders()["overdue"] == 0
    assert sla_mail("groups.sla.overdue") == [manager.email]
    assert req.pk


def test_sla_reminder_goes_to_reviewer_and_again_after_resubmission(group, committee):
    staff = make_user(Role.ENGAGEMENT_STAFF)
    make_user(Role.ENGAGEMENT_STAFF)
    make_member(group)
    with time_machine.travel(at(23, 10), tick=False):
        req = request_submit(actor=committee, group_id=group.pk, details=details())
        request_start(actor=staff, request_id=req.pk)
    with time_machine.travel(at(25, 11), tick=False):
        tasks.send_sla_reminders()
    assert sla_mail("groups.sla.due_soon") == [staff.email]
    with time_machine.travel(at(25, 12), tick=False):
        request_ask_changes(actor=staff, request_id=req.pk, message="fix")
        assert tasks.send_sla_reminders() == {"due_soon": 0, "overdue": 0}  # paused
    with time_machine.travel(at(30, 9), tick=False):
        request_resubmit(actor=committee, request_id=req.pk, details=details())
    # 18 of 24 working hours ran before the pause; the other 6 end Mon 30 Nov at 15:00.
    assert req.__class__.objects.get(pk=req.pk).due_at == at(30, 15)
    with time_machine.travel(at(30, 10), tick=False):
        assert tasks.send_sla_reminders()["due_soon"] == 1  # a new stage, a new reminder
    assert len(sla_mail("groups.sla.due_soon")) == 2


def test_plan_reminder_once_per_year_and_not_after_submission(group, committee, other_group):
    other_chair = make_user(Role.ALUMNUS)
    from groups.services.groups import committee_appoint

    committee_appoint(
        actor=make_user(Role.ENGAGEMENT_STAFF),
        group_id=other_group.pk,
        user_id=other_chair.pk,
        role="chair",
    )
    plan = plan_save(
        actor=other_chair,
        group_id=other_group.pk,
        year=2027,
        objectives="Grow",
        activities={"3": "Dinner"},
        communication_plan="Emails",
    )
    plan_submit(actor=other_chair, plan_id=plan.pk)
    assert plan_reminder_sweep(today=date(2026, 12, 1)) == 0  # too early
    assert plan_reminder_sweep(today=date(2027, 1, 10)) == 1
    assert plan_reminder_sweep(today=date(2027, 1, 11)) == 0
    mails = OutboundEmail.objects.filter(category="groups.plan.reminder")
    assert list(mails.values_list("to", flat=True)) == [committee.email]
    assert AnnualPlan.objects.get(group=other_group).status == AnnualPlan.Status.SUBMITTED


def test_plan_reminder_task_runs(group, committee):
    with time_machine.travel(datetime(2027, 1, 20, 8, tzinfo=LONDON), tick=False):
        assert tasks.send_annual_plan_reminders() == 1
        assert tasks.send_annual_plan_reminders() == 0

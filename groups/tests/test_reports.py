"""The SLA report's figures: share sent on time and median working hours to first response."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from groups.models import GroupRequest
from groups.reports import sla_report, sla_report_csv
from groups.services.requests import (
    request_decline,
    request_mark_sent,
    request_schedule,
    request_start,
    request_submit,
)
from groups.tests.factories import details, make_member
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=LONDON)


def test_sla_report_figures(group, committee):
    staff = make_user(Role.ENGAGEMENT_STAFF)
    make_member(group)
    public = {"audience": GroupRequest.Audience.PUBLIC}

    def submit(day, hour, **kw):
        with time_machine.travel(at(day, hour), tick=False):
            return request_submit(actor=committee, group_id=group.pk, details=details(**kw))

    on_time = submit(2, 10, **public)  # Mon 2 Nov, due Thu 5 Nov 10:00
    late = submit(2, 10, **public)
    declined = submit(3, 10, **public)
    overdue_open = submit(4, 10, **public)  # due Mon 9 Nov 10:00, never answered
    scheduled = submit(2, 10, **public)  # answered in time, scheduled for a later date
    with time_machine.travel(at(2, 13), tick=False):  # 3 working hours
        request_start(actor=staff, request_id=on_time.pk)
    with time_machine.travel(at(3, 10), tick=False):  # 8 working hours (Mon 10-17, Tue 9-10)
        request_start(actor=staff, request_id=late.pk)
    with time_machine.travel(at(2, 11), tick=False):  # 1 working hour
        request_schedule(actor=staff, request_id=scheduled.pk, scheduled_for=at(16, 9))
    with time_machine.travel(at(16, 9), tick=False):
        request_mark_sent(actor=staff, request_id=scheduled.pk)
    with time_machine.travel(at(4, 10), tick=False):
        request_mark_sent(actor=staff, request_id=on_time.pk)
        request_decline(actor=staff, request_id=declined.pk, reason="No")  # 8 hours
    with time_machine.travel(at(9, 12), tick=False):
        request_mark_sent(actor=staff, request_id=late.pk)
    with time_machine.travel(at(20, 12), tick=False):
        rows = sla_report(months=2)
    november = rows[-1]
    assert november.month == "2026-11" and november.submitted == 5
    # Counted: three sent and one open past its due time; the declined one is left out.
    assert (november.counted, november.on_time, november.share_on_time) == (4, 2, 50.0)
    assert november.responded == 4 and november.median_hours == 5.5
    assert rows[0].month == "2026-10" and rows[0].share_on_time is None
    assert overdue_open.pk
    csv_text = sla_report_csv(rows)
    assert "2026-11,5,4,2,50.0,4,5.5" in csv_text


def test_cached_months_are_reused_until_a_transition_changes_them(
    group, committee, django_assert_num_queries
):
    make_member(group)  # someone to email, so the requests may be sent by email
    staff = make_user(Role.ENGAGEMENT_STAFF)
    public = details(audience=GroupRequest.Audience.PUBLIC)
    with time_machine.travel(at(2, 10), tick=False):  # due Thu 5 Nov 10:00
        request = request_submit(actor=committee, group_id=group.pk, details=public)
    with time_machine.travel(at(20, 12), tick=False):
        assert sla_report(months=2)[-1].counted == 1  # open past its due time: late
        with django_assert_num_queries(0):
            again = sla_report(months=2)
        assert (again[-1].counted, again[-1].on_time) == (1, 0)
    with time_machine.travel(at(2, 13), tick=False):
        request_start(actor=staff, request_id=request.pk)
    with time_machine.travel(at(3, 10), tick=False):
        request_mark_sent(actor=staff, request_id=request.pk)
    with time_machine.travel(at(20, 12), tick=False):
        november = sla_report(months=2)[-1]
    assert (november.counted, november.on_time, november.share_on_time) == (1, 1, 100.0)


def test_an_open_request_passing_its_due_time_changes_its_month_without_a_transition(
    group, committee
):
    make_member(group)  # someone to email, so the requests may be sent by email
    with time_machine.travel(at(2, 10), tick=False):  # due Thu 5 Nov 10:00
        request_submit(actor=committee, group_id=group.pk, details=details())
    with time_machine.travel(at(4, 12), tick=False):
        assert sla_report(months=1)[-1].counted == 0  # it can still be on time
    with time_machine.travel(at(5, 11), tick=False):
        assert sla_report(months=1)[-1].counted == 1


def test_a_new_month_is_counted_without_counting_the_closed_ones_again(group, committee):
    make_member(group)  # someone to email, so the requests may be sent by email
    with time_machine.travel(datetime(2026, 10, 5, 10, tzinfo=LONDON), tick=False):
        october = request_submit(actor=committee, group_id=group.pk, details=details())
    with time_machine.travel(at(2, 10), tick=False):
        request_submit(actor=committee, group_id=group.pk, details=details())
        assert [r.submitted for r in sla_report(months=2)] == [1, 1]
        # Moved into November behind the services' back (no version changes): October is not
        # aggregated again, so it still shows its request; November, which a new request
        # changed, is, and finds three.
        GroupRequest.objects.filter(pk=october.pk).update(submitted_at=at(1, 9))
        request_submit(actor=committee, group_id=group.pk, details=details())
        assert [r.submitted for r in sla_report(months=2)] == [1, 3]

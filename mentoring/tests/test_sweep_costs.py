"""Mentoring's daily sweep costs what the work costs: reminders and invitations for 2 or 8 pairs
are the same statements, and an idle run is a few queries whatever the number of pairs."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.jobs import (
    finished_programmes_sweep,
    meeting_reminders_sweep,
    survey_invitations_sweep,
)
from mentoring.models import MenteeApplication, MentorApplication, Partnership, Programme
from mentoring.tests.factories import make_mentee, make_mentor, make_programme, match
from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db


def queries(run) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's own transaction turns each atomic block into a savepoint; production has none.
    statements = [q["sql"] for q in captured.captured_queries]
    return result, len([sql for sql in statements if "SAVEPOINT" not in sql])


def programme_with_pairs(count: int, *, days_ago: int) -> Programme:
    ContentType.objects.get_for_models(Partnership, MentorApplication, MenteeApplication)
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    programme = make_programme(starts_on=start, ends_on=start + datetime.timedelta(days=150))
    for _ in range(count):
        make_mentor(programme=programme)
        make_mentee(programme=programme)
    match(programme)
    return programme


@pytest.mark.parametrize("count", [2, 8])
def test_meeting_reminders_in_bulk_then_idle(count):
    programme_with_pairs(count, days_ago=55)  # stage 1 due on day 50
    sent, sending = queries(meeting_reminders_sweep)
    assert sent == count
    assert sending == 4  # programmes, pairs behind, claim, outbox insert
    assert OutboundEmail.objects.filter(category="mentoring.meeting_reminder").count() == 2 * count
    again, idle = queries(meeting_reminders_sweep)
    assert again == 0 and idle == 2


@pytest.mark.parametrize("count", [2, 8])
def test_survey_invitations_in_bulk_then_idle(count):
    programme_with_pairs(count, days_ago=80)  # past the midpoint: the mid survey is open
    sent, sending = queries(survey_invitations_sweep)
    assert sent == count
    assert sending == 4  # programmes, pairs not invited, claim, outbox insert
    again, idle = queries(survey_invitations_sweep)
    assert again == 0 and idle == 2


@pytest.mark.parametrize("count", [2, 8])
def test_finished_programme_idle_run_is_one_query(count):
    programme = programme_with_pairs(count, days_ago=200)  # ended 50 days ago
    for _ in range(count):
        make_mentor(programme=programme)  # submitted, never matched
    assert finished_programmes_sweep() == 3 * count  # every participant invited once
    again, idle = queries(finished_programmes_sweep)
    assert again == 0 and idle == 1

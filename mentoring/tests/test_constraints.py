"""Defences the database backs with a constraint, each tested twice: through the service (its
message) and with the service bypassed (the IntegrityError names the constraint), so removing
either the service check or the constraint fails a test.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.errors import MentoringError
from mentoring.models import MatchRun, MentorApplication, Partnership, SurveyResponse
from mentoring.services.applications import mentee_application_submit, mentor_application_submit
from mentoring.services.matching import match_run_confirm, match_run_create
from mentoring.services.surveys import survey_submit
from mentoring.tests.factories import make_mentee, make_mentor, make_programme, pair
from mentoring.tests.test_services import mentor_data
from portal.roles import Role
from portal.tests.db import refused_by_database
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _bypassed(constraint: str) -> pytest.RaisesExc[IntegrityError]:
    """Expect the database itself to refuse the write (naming ``constraint`` on PostgreSQL)."""
    return refused_by_database(constraint)


# --- mentor_once_per_programme ----------------------------------------------------------------


def test_second_mentor_application_refused_by_the_service() -> None:
    programme = make_programme()
    alumnus = make_user(Role.ALUMNUS)
    mentor_application_submit(actor=alumnus, programme_id=programme.pk, data=mentor_data())
    with pytest.raises(MentoringError, match="already applied to mentor"):
        mentor_application_submit(actor=alumnus, programme_id=programme.pk, data=mentor_data())
    assert MentorApplication.objects.filter(programme=programme, user=alumnus).count() == 1


def test_second_mentor_application_refused_by_the_database() -> None:
    first = make_mentor()
    with _bypassed("mentor_once_per_programme"), transaction.atomic():
        make_mentor(programme=first.programme, user=first.user)


# --- mentee_once_per_programme ----------------------------------------------------------------


def test_second_mentee_application_refused_by_the_service() -> None:
    first = make_mentee()
    data = {"name": "S", "university_email": first.university_email, "msc_programme": "MSc X",
            "sectors": ["policy"], "support_areas": ["networking"]}  # fmt: skip
    with pytest.raises(MentoringError, match="already applied for a mentor"):
        mentee_application_submit(actor=first.user, programme_id=first.programme_id, data=data)


def test_second_mentee_application_refused_by_the_database() -> None:
    first = make_mentee()
    with _bypassed("mentee_once_per_programme"), transaction.atomic():
        make_mentee(programme=first.programme, user=first.user)


# --- mentor_capacity_1_3 ----------------------------------------------------------------------


def test_capacity_outside_one_to_three_refused_by_the_service() -> None:
    programme = make_programme()
    with pytest.raises(MentoringError, match="between one and three") as refused:
        mentor_application_submit(
            actor=make_user(Role.ALUMNUS), programme_id=programme.pk, data=mentor_data(capacity=4)
        )
    assert refused.value.field == "capacity"
    assert not MentorApplication.objects.filter(programme=programme).exists()


def test_capacity_outside_one_to_three_refused_by_the_database() -> None:
    with _bypassed("mentor_capacity_1_3"), transaction.atomic():
        make_mentor(capacity=4)


# --- one_partnership_per_mentee ---------------------------------------------------------------


def test_mentee_matched_twice_refused_by_the_service() -> None:
    programme = make_programme()
    make_mentor(programme=programme, capacity=2)
    make_mentee(programme=programme)
    admin = make_user(Role.SCHEME_ADMIN)
    stale = match_run_create(actor=admin, programme_id=programme.pk)
    # A newer run supersedes the stale one, so only a race (which the programme lock stops)
    # leaves two proposals naming one mentee; the test sets that state up directly.
    fresh = match_run_create(actor=admin, programme_id=programme.pk)
    MatchRun.objects.filter(pk=stale.pk).update(status=MatchRun.Status.PROPOSED)
    match_run_confirm(actor=admin, match_run_id=fresh.pk)
    with pytest.raises(MentoringError, match="matched since this run"):
        match_run_confirm(actor=admin, match_run_id=stale.pk)
    assert Partnership.objects.filter(programme=programme).count() == 1


def test_mentee_matched_twice_refused_by_the_database() -> None:
    partnership = pair()
    other_mentor = make_mentor(programme=partnership.programme)
    with _bypassed("one_partnership_per_mentee"), transaction.atomic():
        Partnership.objects.create(
            programme=partnership.programme,
            mentor_application=other_mentor,
            mentee_application=partnership.mentee_application,
        )


# --- one_survey_per_stage ---------------------------------------------------------------------

ANSWERS = {"satisfaction": 4, "usefulness": 5, "would_recommend": True, "comments": ""}


def _mid_survey_pair() -> Partnership:
    today = timezone.localdate()
    return pair(
        make_programme(
            starts_on=today - datetime.timedelta(days=80),
            ends_on=today + datetime.timedelta(days=20),
        )
    )


def test_second_survey_answer_refused_by_the_service() -> None:
    partnership = _mid_survey_pair()
    mentee = partnership.mentee_application.user
    survey_submit(actor=mentee, partnership_id=partnership.pk, stage="mid", data=ANSWERS)
    with pytest.raises(MentoringError, match="already answered"):
        survey_submit(actor=mentee, partnership_id=partnership.pk, stage="mid", data=ANSWERS)
    assert SurveyResponse.objects.filter(partnership=partnership, respondent=mentee).count() == 1


def test_second_survey_answer_refused_by_the_database() -> None:
    partnership = _mid_survey_pair()
    mentee = partnership.mentee_application.user
    values = {"partnership": partnership, "respondent": mentee, "side": "mentee", "stage": "mid",
              "satisfaction": 4, "usefulness": 4, "would_recommend": True}  # fmt: skip
    SurveyResponse.objects.create(**values)
    with _bypassed("one_survey_per_stage"), transaction.atomic():
        SurveyResponse.objects.create(**values)

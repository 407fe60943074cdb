"""Transitions: happy path, wrong state, wrong actor, audit row."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mentoring.errors import MentoringError
from mentoring.models import (
    ApplicationStatus,
    Concern,
    MentorApplication,
    Partnership,
    Programme,
    SurveyResponse,
)
from mentoring.services.applications import (
    mentee_application_submit,
    mentee_application_withdraw,
    mentor_application_submit,
    mentor_application_withdraw,
)
from mentoring.services.common import months_later
from mentoring.services.concerns import concern_follow_up, concern_report
from mentoring.services.partnerships import (
    email_frequency_set,
    meeting_log,
    partnership_withdraw,
    unavailability_record,
)
from mentoring.services.programmes import programme_create, programme_update
from mentoring.services.surveys import survey_submit
from mentoring.tests.factories import (
    make_mentor,
    make_programme,
    pair,
)
from portal.models import AuditEvent, OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def mentor_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Ada Mentor",
        "email": "ada@example.com",
        "courses": "MSc European Politics, MSc Political Economy of Europe",
        "graduation_year": 2012,
        "country": "France",
        "job_role": "Analyst",
        "sectors": ["finance"],
        "capacity": 2,
    }
    data.update({code: True for code, _ in MentorApplication.COMMITMENTS})
    data.update(overrides)
    return data


def test_mentor_application_needs_every_commitment() -> None:
    programme = make_programme()
    alumnus = make_user(Role.ALUMNUS)
    for code, _label in MentorApplication.COMMITMENTS:
        with pytest.raises(MentoringError, match="commitment"):
            mentor_application_submit(
                actor=alumnus, programme_id=programme.pk, data=mentor_data(**{code: False})
            )
    application = mentor_application_submit(
        actor=alumnus, programme_id=programme.pk, data=mentor_data()
    )
    assert application.course_list == ["MSc European Politics", "MSc Political Economy of Europe"]
    assert (
        AuditEvent.objects.for_object(application)
        .filter(action="mentoring.mentor_application.submitted")
        .exists()
    )
    with pytest.raises(MentoringError, match="already applied"):
        mentor_application_submit(actor=alumnus, programme_id=programme.pk, data=mentor_data())


def test_only_alumni_mentor_and_only_within_the_window() -> None:
    programme = make_programme()
    with pytest.raises(MentoringError, match="alumni"):
        mentor_application_submit(
            actor=make_user(Role.STUDENT), programme_id=programme.pk, data=mentor_data()
        )
    closed = make_programme(applications_close=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(MentoringError, match="not accepting"):
        mentor_application_submit(
            actor=make_user(Role.ALUMNUS), programme_id=closed.pk, data=mentor_data()
        )
    draft = make_programme(status=Programme.Status.DRAFT)
    with pytest.raises(MentoringError, match="not accepting"):
        mentor_application_submit(
            actor=make_user(Role.ALUMNUS), programme_id=draft.pk, data=mentor_data()
        )


def test_mentee_needs_a_university_email() -> None:
    programme = make_programme()
    student = make_user(Role.STUDENT)
    data = {
        "name": "Sam",
        "university_email": "sam@gmail.com",
        "msc_programme": "MSc European Politics",
        "sectors": ["policy"],
        "support_areas": ["interviews"],
    }
    with pytest.raises(MentoringError, match="university email"):
        mentee_application_submit(actor=student, programme_id=programme.pk, data=data)
    data["university_email"] = "sam@example.ac.uk"
    application = mentee_application_submit(actor=student, programme_id=programme.pk, data=data)
    assert application.status == ApplicationStatus.SUBMITTED
    with pytest.raises(MentoringError, match="Only current students"):
        mentee_application_submit(
            actor=make_user(Role.ALUMNUS), programme_id=programme.pk, data=data
        )


def test_application_withdraw_before_matching_only() -> None:
    application = make_mentor()
    with pytest.raises(MentoringError, match="your own"):
        mentor_application_withdraw(
            actor=make_user(Role.ALUMNUS), mentor_application_id=application.pk
        )
    mentor_application_withdraw(actor=application.user, mentor_application_id=application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(MentoringError, match="already"):
        mentor_application_withdraw(actor=application.user, mentor_application_id=application.pk)
    partnership = pair()
    mentee = partnership.mentee_application
    with pytest.raises(MentoringError, match="already matched"):
        mentee_application_withdraw(actor=mentee.user, mentee_application_id=mentee.pk)


def test_meetings_are_numbered_dated_and_capped() -> None:
    partnership = pair()
    mentee = partnership.mentee_application.user
    day = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(MentoringError, match="not a partner"):
        meeting_log(
            actor=make_user(Role.STUDENT), partnership_id=partnership.pk, held_on=day, mode="video"
        )
    with pytest.raises(MentoringError, match="taken place"):
        meeting_log(
            actor=mentee,
            partnership_id=partnership.pk,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            mode="video",
        )
    with pytest.raises(MentoringError, match="programme's dates"):
        meeting_log(
            actor=mentee,
            partnership_id=partnership.pk,
            held_on=partnership.programme.starts_on - datetime.timedelta(days=1),
            mode="video",
        )
    numbers = [
        meeting_log(actor=mentee, partnership_id=partnership.pk, held_on=day, mode="video").number
        for _ in range(3)
    ]
    assert numbers == [1, 2, 3]
    with pytest.raises(MentoringError, match="already logged"):
        meeting_log(actor=mentee, partnership_id=partnership.pk, held_on=day, mode="in_person")
    assert (
        AuditEvent.objects.for_object(partnership).filter(action="mentoring.meeting.logged").count()
        == 3
    )


def test_email_frequency_is_recorded_once_per_change() -> None:
    partnership = pair()
    mentor = partnership.mentor_application.user
    email_frequency_set(actor=mentor, partnership_id=partnership.pk, frequency="Fortnightly")
    email_frequency_set(actor=mentor, partnership_id=partnership.pk, frequency="Fortnightly")
    partnership.refresh_from_db()
    assert partnership.email_frequency == "Fortnightly"
    events = AuditEvent.objects.for_object(partnership).filter(
        action="mentoring.partnership.email_frequency_set"
    )
    assert events.count() == 1


def test_unavailability_over_a_month_tells_the_mentee() -> None:
    partnership = pair()
    mentor = partnership.mentor_application.user
    start = timezone.localdate() + datetime.timedelta(days=3)
    with pytest.raises(MentoringError, match="more than a month"):
        unavailability_record(
            actor=mentor,
            partnership_id=partnership.pk,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=20),
        )
    with pytest.raises(MentoringError, match="Only the mentor"):
        unavailability_record(
            actor=partnership.mentee_application.user,
            partnership_id=partnership.pk,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=40),
        )
    unavailability_record(
        actor=mentor,
        partnership_id=partnership.pk,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=40),
    )
    email = OutboundEmail.objects.get(category="mentoring.unavailability")
    assert email.to == partnership.mentee_application.university_email
    assert f"{start:%-d %B %Y}" in email.body_text


def test_months_later_clamps_to_month_end() -> None:
    assert months_later(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert months_later(datetime.date(2025, 12, 15), 1) == datetime.date(2026, 1, 15)
    assert months_later(datetime.date(2026, 3, 1), -12) == datetime.date(2025, 3, 1)


def test_mentee_withdrawal_tells_the_scheme_admins(scheme_admin: User) -> None:
    partnership = pair()
    with pytest.raises(MentoringError, match="Only the mentee"):
        partnership_withdraw(
            actor=partnership.mentor_application.user, partnership_id=partnership.pk
        )
    partnership_withdraw(
        actor=partnership.mentee_application.user, partnership_id=partnership.pk, reason="Exams"
    )
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.WITHDRAWN
    to_admins = OutboundEmail.objects.filter(category="mentoring.withdrawal").values_list(
        "to", flat=True
    )
    assert {"ei.alumni@example.ac.uk", scheme_admin.email} <= set(to_admins)
    with pytest.raises(MentoringError, match="ended"):
        partnership_withdraw(
            actor=partnership.mentee_application.user, partnership_id=partnership.pk
        )


def test_concerns_are_emailed_without_their_text(scheme_admin: User) -> None:
    partnership = pair()
    concern = concern_report(
        actor=partnership.mentor_application.user,
        text="Sensitive details here",
        partnership_id=partnership.pk,
    )
    assert concern.programme == partnership.programme
    emails = OutboundEmail.objects.filter(category="mentoring.concern")
    assert emails.exists()
    assert all("Sensitive" not in e.body_text for e in emails)
    with pytest.raises(MentoringError):
        concern_report(actor=make_user(Role.ALUMNUS), text="x", partnership_id=partnership.pk)
    with pytest.raises(MentoringError, match="scheme administrators"):
        concern_follow_up(
            actor=partnership.mentor_application.user,
            concern_id=concern.pk,
            note="n",
            status="closed",
        )
    concern_follow_up(
        actor=scheme_admin,
        concern_id=concern.pk,
        note="Called them",
        status=Concern.Status.IN_FOLLOW_UP,
    )
    concern.refresh_from_db()
    assert concern.status == Concern.Status.IN_FOLLOW_UP
    assert concern.notes.get().text == "Called them"


def test_surveys_once_per_stage_and_only_when_open() -> None:
    today = timezone.localdate()
    programme = make_programme(
        starts_on=today - datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=100)
    )
    partnership = pair(programme)
    mentee = partnership.mentee_application.user
    answers = {"satisfaction": 4, "usefulness": 5, "would_recommend": True, "comments": ""}
    with pytest.raises(MentoringError, match="not open"):
        survey_submit(actor=mentee, partnership_id=partnership.pk, stage="mid", data=answers)
    programme.starts_on = today - datetime.timedelta(days=100)
    programme.save()
    partnership.refresh_from_db()
    response = survey_submit(actor=mentee, partnership_id=partnership.pk, stage="mid", data=answers)
    assert response.side == SurveyResponse.Side.MENTEE
    with pytest.raises(MentoringError, match="already"):
        survey_submit(actor=mentee, partnership_id=partnership.pk, stage="mid", data=answers)


def test_programme_create_and_update_are_audited(scheme_admin: User) -> None:
    unit = make_programme().host_unit
    today = timezone.localdate()
    data = {
        "name": "New programme",
        "host_unit": unit,
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=90),
        "applications_open": today,
        "applications_close": today,
        "official_meetings": 3,
        "concerns_email": "x@example.ac.uk",
        "status": Programme.Status.DRAFT,
    }
    with pytest.raises(MentoringError):
        programme_create(actor=make_user(Role.ALUMNUS), data=data)
    programme = programme_create(actor=scheme_admin, data=data)
    programme_update(
        actor=scheme_admin,
        programme_id=programme.pk,
        data={**data, "status": Programme.Status.PUBLISHED},
    )
    event = AuditEvent.objects.for_object(programme).get(action="mentoring.programme.updated")
    assert event.new == {"status": "published"}


def test_meeting_schedule_is_spread_evenly() -> None:
    programme = Programme(
        starts_on=datetime.date(2025, 12, 1),
        ends_on=datetime.date(2026, 4, 30),
        official_meetings=3,
    )
    assert programme.meeting_due_dates() == [
        datetime.date(2026, 1, 20),
        datetime.date(2026, 3, 11),
        datetime.date(2026, 4, 30),
    ]


def test_no_model_field_holds_a_protected_characteristic() -> None:
    """002 §7: nothing about age, sex, race, religion, ... is collected, so none can be scored."""
    from django.apps import apps

    protected = {
        "age", "birth", "dob", "birthday", "gender", "sex", "race", "colour", "color", "ethnic",
        "ethnicity", "nationality", "citizenship", "religion", "belief", "disability",
        "pregnancy", "maternity", "marital", "civil", "orientation", "sexuality",
    }  # fmt: skip
    for model in apps.get_app_config("mentoring").get_models():
        for field in model._meta.get_fields():
            words = set(field.name.lower().split("_"))
            assert not words & protected, (model.__name__, field.name)

"""What a participant sees of their own things: concern status, answered surveys, applications.

A reporter follows a concern's status (never its text or the admins' notes); a survey once
answered is neither offered nor sent again; a programme already applied to shows the
application instead of "Apply".
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.jobs import survey_invitations_sweep
from mentoring.models import Concern, MenteeApplication, MentorApplication, Partnership
from mentoring.services.applications import mentor_application_withdraw
from mentoring.services.concerns import concern_follow_up, concern_report
from mentoring.services.surveys import survey_submit
from mentoring.tests.factories import make_mentee, make_mentor, make_programme, pair
from portal.models import OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

ANSWERS = {"satisfaction": 4, "usefulness": 4, "would_recommend": True, "comments": ""}


def _past_midpoint() -> Partnership:
    today = timezone.localdate()
    return pair(
        make_programme(
            starts_on=today - datetime.timedelta(days=100),
            ends_on=today + datetime.timedelta(days=20),
        )
    )


# --- Concerns: the reporter sees the status, nothing else -------------------------------------


def test_reporter_follows_the_status_never_the_text_or_notes(
    client: Client, scheme_admin: User
) -> None:
    partnership = pair()
    reporter = partnership.mentee_application.user
    client.force_login(reporter)
    assert reverse("mentoring:my_concerns") in client.get(reverse("mentoring:home")).text
    assert reverse("mentoring:my_concerns") in client.get(reverse("mentoring:concern_new")).text
    response = client.post(
        reverse("mentoring:concern_new"),
        {"partnership": partnership.pk, "text": "SECRET-REPORT about meetings"},
        follow=True,
    )
    assert reverse("mentoring:my_concerns") in response.text
    concern = Concern.objects.get()
    listing = client.get(reverse("mentoring:my_concerns")).text
    assert "Received" in listing and partnership.programme.name in listing
    assert reverse("mentoring:my_concern", args=[concern.pk]) in listing
    assert "SECRET-REPORT" not in listing

    concern_follow_up(
        actor=scheme_admin, concern_id=concern.pk, note="SECRET-NOTE called", status="in_follow_up"
    )
    concern_follow_up(actor=scheme_admin, concern_id=concern.pk, note="more", status="in_follow_up")
    response = client.get(reverse("mentoring:my_concern", args=[concern.pk]))
    detail = response.text
    assert "Being followed up" in detail
    assert "SECRET-NOTE" not in detail and "SECRET-REPORT" not in detail
    assert scheme_admin.display_name not in detail
    # Received, then being followed up: once, however many notes say so.
    assert [label for _when, label in response.context["history"]] == [
        "Received",
        "Being followed up",
    ]

    concern_follow_up(actor=scheme_admin, concern_id=concern.pk, note="done", status="closed")
    response = client.get(reverse("mentoring:my_concern", args=[concern.pk]))
    assert "<strong>Closed</strong>" in response.text
    assert [label for _when, label in response.context["history"]][-1] == "Closed"
    assert len(response.context["history"]) == 3
    assert "Closed" in client.get(reverse("mentoring:my_concerns")).text


def test_someone_elses_concern_is_not_found_and_not_listed(client: Client) -> None:
    partnership = pair()
    concern = concern_report(
        actor=partnership.mentee_application.user, text="Mine", partnership_id=partnership.pk
    )
    url = reverse("mentoring:my_concern", args=[concern.pk])
    for stranger in (partnership.mentor_application.user, make_user(Role.STUDENT)):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        listing = client.get(reverse("mentoring:my_concerns")).text
        assert url not in listing and "You have not reported any concern" in listing
    client.logout()
    assert client.get(url).status_code == 302


# --- Surveys: answered once, never offered or sent again ----------------------------------------


def test_an_answered_survey_is_not_offered_again(client: Client) -> None:
    partnership = _past_midpoint()
    mentor = partnership.mentor_application.user
    client.force_login(mentor)
    survey_url = reverse("mentoring:survey", args=[partnership.pk, "mid"])
    page = reverse("mentoring:partnership", args=[partnership.pk])
    assert survey_url in client.get(page).text
    client.post(survey_url, {"satisfaction": 5, "usefulness": 4, "would_recommend": "yes"})
    assert survey_url not in client.get(page).text
    again = client.get(survey_url, follow=True)
    assert again.redirect_chain[-1][0] == page
    assert "already answered this survey" in again.text
    client.post(survey_url, {"satisfaction": 1, "usefulness": 1, "would_recommend": "no"})
    assert partnership.survey_responses.get().satisfaction == 5
    # The other partner is still offered the survey.
    client.force_login(partnership.mentee_application.user)
    assert survey_url in client.get(page).text


def _invited() -> list[str]:
    rows = OutboundEmail.objects.filter(category="mentoring.survey_invitation")
    return sorted(rows.values_list("to", flat=True))


def test_the_invitation_skips_a_partner_who_already_answered() -> None:
    partnership = _past_midpoint()
    survey_submit(
        actor=partnership.mentor_application.user,
        partnership_id=partnership.pk,
        stage="mid",
        data=ANSWERS,
    )
    assert survey_invitations_sweep() == 1
    assert _invited() == [partnership.mentee_application.university_email]
    assert survey_invitations_sweep() == 0
    assert _invited() == [partnership.mentee_application.university_email]


def test_no_invitation_when_both_partners_answered_however_often_it_runs() -> None:
    partnership = _past_midpoint()
    for application in (partnership.mentor_application, partnership.mentee_application):
        survey_submit(
            actor=application.user, partnership_id=partnership.pk, stage="mid", data=ANSWERS
        )
    other = _past_midpoint()  # nobody answered: both invited, once
    assert survey_invitations_sweep() == 1
    assert survey_invitations_sweep() == 0
    assert _invited() == sorted(
        [other.mentor_application.email, other.mentee_application.university_email]
    )


# --- Programmes already applied to ------------------------------------------------------------


def test_programme_applied_to_shows_the_application_not_apply(client: Client) -> None:
    programme = make_programme()
    untouched = make_programme()
    mentor = make_mentor(programme=programme)
    client.force_login(mentor.user)
    application_url = reverse("mentoring:mentor_application", args=[mentor.pk])
    apply_url = reverse("mentoring:apply_mentor", args=[programme.pk])
    page = client.get(reverse("mentoring:programme", args=[programme.pk])).text
    assert "You have applied to this programme" in page
    assert "Your mentor application: <strong>submitted</strong>" in page
    assert application_url in page and "View or withdraw it" in page
    assert apply_url not in page and "Apply as a mentor" not in page
    home = client.get(reverse("mentoring:home")).text
    assert application_url in home and "View or withdraw it" in home
    assert "Read more and apply" in home  # for the programme not applied to
    other = client.get(reverse("mentoring:programme", args=[untouched.pk])).text
    assert reverse("mentoring:apply_mentor", args=[untouched.pk]) in other
    # The apply address itself leads to the application, never to a second form.
    response = client.get(apply_url, follow=True)
    assert response.redirect_chain[-1][0] == application_url
    assert "already applied as a mentor" in response.text

    mentor_application_withdraw(actor=mentor.user, mentor_application_id=mentor.pk)
    page = client.get(reverse("mentoring:programme", args=[programme.pk])).text
    assert "Your mentor application: <strong>withdrawn</strong>" in page
    assert "View it" in page and "View or withdraw it" not in page
    assert apply_url not in page


def test_a_mentee_sees_the_application_and_whether_it_is_matched(client: Client) -> None:
    partnership = pair()
    programme = partnership.programme
    mentee = partnership.mentee_application
    client.force_login(mentee.user)
    page = client.get(reverse("mentoring:programme", args=[programme.pk])).text
    assert "Your mentee application: <strong>matched</strong>" in page
    assert reverse("mentoring:mentee_application", args=[mentee.pk]) in page
    assert reverse("mentoring:apply_mentee", args=[programme.pk]) not in page
    unmatched = make_mentee(programme=programme)
    client.force_login(unmatched.user)
    home = client.get(reverse("mentoring:home")).text
    assert reverse("mentoring:mentee_application", args=[unmatched.pk]) in home
    assert "View or withdraw it" in home


def test_someone_both_alumnus_and_student_may_still_apply_on_the_other_side(
    client: Client,
) -> None:
    programme = make_programme()
    person = make_user(Role.ALUMNUS, Role.STUDENT)
    make_mentor(programme=programme, user=person)
    client.force_login(person)
    page = client.get(reverse("mentoring:programme", args=[programme.pk])).text
    assert reverse("mentoring:apply_mentor", args=[programme.pk]) not in page
    assert reverse("mentoring:apply_mentee", args=[programme.pk]) in page
    assert MentorApplication.objects.count() == 1 and not MenteeApplication.objects.exists()

"""Pages end to end through the test client: forms, flows, messages, exports, query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mentoring.jobs import meeting_reminders_sweep
from mentoring.models import (
    Concern,
    MatchRun,
    MenteeApplication,
    MentorApplication,
    Partnership,
    SurveyResponse,
)
from mentoring.tests.factories import (
    make_mentee,
    make_mentor,
    make_programme,
    match,
    pair,
)
from portal.models import OutboundEmail, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_mentor_applies_ticking_each_commitment(client: Client) -> None:
    programme = make_programme()
    alumnus = make_user(Role.ALUMNUS)
    client.force_login(alumnus)
    url = reverse("mentoring:apply_mentor", args=[programme.pk])
    data = {
        "name": "Ada Mentor",
        "email": "ada@example.com",
        "courses": "MSc European Politics",
        "graduation_year": "2012",
        "country": "France",
        "job_role": "Analyst",
        "sectors": ["finance", "policy"],
        "bio": "Hello",
        "share_bio": "on",
        "linkedin": "linkedin.com/in/ada",
        "capacity": "2",
    }
    commitments = {code: "on" for code, _ in MentorApplication.COMMITMENTS}
    page = client.get(url)
    assert page.status_code == 200
    for _code, label in MentorApplication.COMMITMENTS:
        assert escape(label) in page.content.decode()
    missing_one = {**data, **commitments}
    del missing_one["commit_feedback"]
    assert client.post(url, missing_one).status_code == 200
    assert not MentorApplication.objects.exists()
    response = client.post(url, {**data, **commitments})
    application = MentorApplication.objects.get()
    assert response["Location"] == reverse("mentoring:mentor_application", args=[application.pk])
    assert application.capacity == 2 and application.share_bio and not application.share_linkedin
    assert application.linkedin == "https://linkedin.com/in/ada"


def test_mentee_applies_with_university_email(client: Client) -> None:
    programme = make_programme()
    student = make_user(Role.STUDENT)
    client.force_login(student)
    url = reverse("mentoring:apply_mentee", args=[programme.pk])
    data = {
        "name": "Sam Student",
        "university_email": "sam@gmail.com",
        "msc_programme": "MSc European Politics",
        "sectors": ["policy"],
        "support_areas": ["interviews", "networking"],
        "meeting_mode": "video",
        "preferred_countries": "Belgium, France",
    }
    response = client.post(url, data)
    assert "university email" in response.content.decode()
    data["university_email"] = "sam@example.ac.uk"
    client.post(url, data)
    application = MenteeApplication.objects.get()
    assert application.support_areas == ["interviews", "networking"]


def test_closed_programme_redirects_with_a_message(client: Client) -> None:
    programme = make_programme(applications_close=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(make_user(Role.STUDENT))
    response = client.get(reverse("mentoring:apply_mentee", args=[programme.pk]), follow=True)
    assert "not accepting applications" in response.content.decode()


def test_partners_log_a_meeting_and_the_frequency(client: Client) -> None:
    partnership = pair()
    client.force_login(partnership.mentee_application.user)
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("mentoring:meeting_log", args=[partnership.pk]),
        {"held_on": day, "mode": "video"},
        follow=True,
    )
    assert "The meeting has been logged" in response.content.decode()
    assert partnership.meetings.get().number == 1
    client.post(
        reverse("mentoring:email_frequency", args=[partnership.pk]),
        {"email_frequency": "Every two weeks"},
    )
    partnership.refresh_from_db()
    assert partnership.email_frequency == "Every two weeks"
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("mentoring:meeting_log", args=[partnership.pk]),
        {"held_on": future, "mode": "video"},
    )
    assert "once it has taken place" in response.content.decode()


def test_concern_form_shows_emergency_notice_and_confirms_only(
    client: Client, scheme_admin: User
) -> None:
    partnership = pair()
    client.force_login(partnership.mentor_application.user)
    url = reverse("mentoring:concern_new")
    page = client.get(url).content.decode()
    assert "emergency services" in page
    response = client.post(url, {"partnership": partnership.pk, "text": "Worried about X"})
    assert response["Location"] == reverse("mentoring:concern_submitted")
    concern = Concern.objects.get()
    assert concern.partnership == partnership
    confirmation = client.get(response["Location"]).content.decode()
    assert "Worried about X" not in confirmation
    client.force_login(scheme_admin)
    detail = client.get(reverse("mentoring:concern", args=[concern.pk]))
    assert "Worried about X" in detail.content.decode()
    client.post(
        reverse("mentoring:concern", args=[concern.pk]),
        {"status": "closed", "note": "Resolved by phone"},
    )
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED


def test_survey_answers_are_aggregated_for_admins_only(client: Client, scheme_admin: User) -> None:
    today = timezone.localdate()
    programme = make_programme(
        starts_on=today - datetime.timedelta(days=100), ends_on=today + datetime.timedelta(days=20)
    )
    partnership = pair(programme)
    for user, score in (
        (partnership.mentor_application.user, 4),
        (partnership.mentee_application.user, 2),
    ):
        client.force_login(user)
        client.post(
            reverse("mentoring:survey", args=[partnership.pk, "mid"]),
            {
                "satisfaction": score,
                "usefulness": 3,
                "would_recommend": "yes",
                "comments": f"Comment {score}",
            },
        )
    assert SurveyResponse.objects.count() == 2
    # The mentee's partnership page shows nothing of the mentor's answer.
    page = client.get(reverse("mentoring:partnership", args=[partnership.pk])).content.decode()
    assert "Comment 4" not in page
    client.force_login(scheme_admin)
    results = client.get(reverse("mentoring:survey_results", args=[programme.pk])).content.decode()
    assert "Comment 4" in results and "Comment 2" in results
    assert "100%" in results


def test_admin_runs_matching_and_confirms_through_the_pages(
    client: Client, scheme_admin: User
) -> None:
    programme = make_programme()
    make_mentor(programme=programme, capacity=2)
    make_mentee(programme=programme)
    make_mentee(programme=programme)
    client.force_login(scheme_admin)
    response = client.post(reverse("mentoring:match_run_create", args=[programme.pk]))
    run = MatchRun.objects.get()
    assert response["Location"] == reverse("mentoring:match_run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Shared sectors" in page
    client.post(reverse("mentoring:match_run_confirm", args=[run.pk]))
    assert Partnership.objects.count() == 2
    csv_text = client.get(reverse("mentoring:partnerships_csv", args=[programme.pk])).content
    assert csv_text.decode().count("\n") == 3


def test_admin_creates_a_programme(client: Client, scheme_admin: User) -> None:
    unit = make_programme().host_unit
    client.force_login(scheme_admin)
    response = client.post(
        reverse("mentoring:programme_create"),
        {
            "name": "Spring mentoring",
            "host_unit": unit.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2026-11-01",
            "applications_open": "2026-09-01",
            "applications_close": "2026-10-15",
            "official_meetings": 3,
            "concerns_email": "ei.alumni@example.ac.uk",
            "status": "published",
        },
    )
    assert "must end after it starts" in response.content.decode()


# Queries of a warmed-up request (roles and two-factor state are cached by the first one).
ADMIN_PROGRAMME_QUERIES = 9
PROGRAMME_LIST_QUERIES = 4


@pytest.mark.parametrize("pairs", [2, 12])
def test_admin_programme_page_query_count_is_pinned(
    client: Client, scheme_admin: User, django_assert_num_queries: Any, pairs: int
) -> None:
    programme = make_programme()
    for _ in range(pairs):
        make_mentor(programme=programme)
        make_mentee(programme=programme)
    match(programme)
    meeting_reminders_sweep()
    url = reverse("mentoring:admin_programme", args=[programme.pk])
    client.force_login(scheme_admin)
    assert client.get(url).status_code == 200  # warm the caches (content types, session)
    with django_assert_num_queries(ADMIN_PROGRAMME_QUERIES):
        assert client.get(url).status_code == 200


def test_withdraw_page_tells_admins(client: Client, scheme_admin: User) -> None:
    partnership = pair()
    client.force_login(partnership.mentee_application.user)
    client.post(
        reverse("mentoring:withdraw", args=[partnership.pk]),
        {"reason": "Too busy", "confirm": "on"},
    )
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.WITHDRAWN
    assert OutboundEmail.objects.filter(
        to=scheme_admin.email, category="mentoring.withdrawal"
    ).exists()
    page = client.get(reverse("mentoring:partnership", args=[partnership.pk])).content.decode()
    assert "This partnership has ended" in page


def test_nav_and_dashboard_depend_on_role(client: Client, scheme_admin: User) -> None:
    client.force_login(make_user(Role.STUDENT))
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("mentoring:home") in page and reverse("mentoring:admin_programmes") not in page
    client.force_login(scheme_admin)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("mentoring:admin_programmes") in page
    meeting_reminders_sweep()  # nothing due; the page still renders


@pytest.mark.parametrize("programmes", [1, 6])
def test_programme_list_counts(
    client: Client, scheme_admin: User, django_assert_num_queries: Any, programmes: int
) -> None:
    partnership = pair()
    make_mentee(programme=partnership.programme)
    for _ in range(programmes):
        make_programme()
    client.force_login(scheme_admin)
    url = reverse("mentoring:admin_programmes")
    client.get(url)  # warm the caches (session, roles)
    with django_assert_num_queries(PROGRAMME_LIST_QUERIES):
        response = client.get(url)
    rows = {p.pk: (p.mentors, p.mentees, p.pairs) for p in response.context["programmes"]}
    assert len(rows) == programmes + 1
    assert rows[partnership.programme_id] == (1, 2, 1)
    assert min(rows.values()) == (0, 0, 0)

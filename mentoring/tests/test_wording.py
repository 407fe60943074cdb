"""Words a person reads: pins refused by name, counts in the right number, honest buttons.

After a programme ends (or is wrapped up) no page offers what can no longer be done: logging a
meeting, recording unavailability, running matching or wrapping up again.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.errors import MentoringError
from mentoring.jobs import meeting_reminders_sweep
from mentoring.models import MatchConstraint, MatchRun, Partnership, Programme
from mentoring.services.matching import match_constraint_set, match_run_create
from mentoring.services.partnerships import meeting_log
from mentoring.services.programmes import programme_wrap_up
from mentoring.tests.factories import make_mentee, make_mentor, make_programme, pair
from portal.models import OutboundEmail, User

pytestmark = pytest.mark.django_db


def _pin(admin: User, programme: Programme, mentee_id: int, mentor_id: int) -> None:
    match_constraint_set(
        actor=admin,
        programme_id=programme.pk,
        mentee_application_id=mentee_id,
        mentor_application_id=mentor_id,
        kind=MatchConstraint.Kind.PIN,
    )


# --- Pins over capacity name the people -------------------------------------------------------


def test_pins_over_a_mentors_capacity_name_the_mentor(scheme_admin: User) -> None:
    programme = make_programme()
    mentor = make_mentor(programme=programme, capacity=1, name="Ada Lovelace")
    a = make_mentee(programme=programme, name="Sam Student")
    b = make_mentee(programme=programme, name="Kim Student")
    for mentee in (a, b):
        _pin(scheme_admin, programme, mentee.pk, mentor.pk)
    with pytest.raises(MentoringError) as refused:
        match_run_create(actor=scheme_admin, programme_id=programme.pk)
    text = str(refused.value)
    named = (
        "Ada Lovelace has 1 free place (capacity 1)",
        "2 unmatched mentees are pinned to them (Kim Student, Sam Student)",
    )
    assert all(sentence in text for sentence in named)
    rest = text.replace(named[0], "").replace(named[1], "")
    assert not re.search(rf"\b{mentor.pk}\b", rest)  # the mentor is named, never numbered
    assert not MatchRun.objects.exists()


def test_a_pin_to_a_mentor_with_no_place_left_is_refused_by_name(scheme_admin: User) -> None:
    partnership = pair()  # the mentor's only place is taken
    programme = partnership.programme
    late = make_mentee(programme=programme, name="Lee Late")
    _pin(scheme_admin, programme, late.pk, partnership.mentor_application_id)
    with pytest.raises(MentoringError) as refused:
        match_run_create(actor=scheme_admin, programme_id=programme.pk)
    name = partnership.mentor_application.name
    assert f"{name} has 0 free places (capacity 1), but 1 unmatched mentee is pinned" in str(
        refused.value
    )
    assert "(Lee Late)" in str(refused.value)


def test_a_mentee_pinned_twice_is_named(scheme_admin: User) -> None:
    programme = make_programme()
    first = make_mentor(programme=programme, name="Ada Lovelace")
    second = make_mentor(programme=programme, name="Bo Brown")
    mentee = make_mentee(programme=programme, name="Sam Student")
    for mentor in (first, second):
        _pin(scheme_admin, programme, mentee.pk, mentor.pk)
    with pytest.raises(MentoringError, match="Sam Student is pinned to 2 mentors"):
        match_run_create(actor=scheme_admin, programme_id=programme.pk)


def test_the_match_page_shows_the_refusal_by_name(client: Client, scheme_admin: User) -> None:
    programme = make_programme()
    mentor = make_mentor(programme=programme, name="Ada Lovelace")
    for _ in range(2):
        _pin(scheme_admin, programme, make_mentee(programme=programme).pk, mentor.pk)
    client.force_login(scheme_admin)
    response = client.post(reverse("mentoring:match_run_create", args=[programme.pk]), follow=True)
    assert "Ada Lovelace has 1 free place" in response.text


# --- Counts read right ------------------------------------------------------------------------


def test_one_pair_reads_in_the_singular(client: Client, scheme_admin: User) -> None:
    programme = make_programme(official_meetings=1)
    make_mentor(programme=programme)
    make_mentee(programme=programme)
    client.force_login(scheme_admin)
    run_url = client.post(reverse("mentoring:match_run_create", args=[programme.pk]))["Location"]
    page = client.get(run_url).text
    assert "1 pair from 1 mentee and 1 mentor with free places" in page
    assert "Confirm this pair and email both partners" in page
    run = MatchRun.objects.get()
    done = client.post(reverse("mentoring:match_run_confirm", args=[run.pk]), follow=True)
    assert "1 partnership confirmed; both partners were emailed." in done.text
    matched = OutboundEmail.objects.filter(category="mentoring.matched").first()
    assert matched is not None
    assert "There is 1 official meeting across the programme." in matched.body_text


def test_several_pairs_read_in_the_plural(client: Client, scheme_admin: User) -> None:
    programme = make_programme()
    make_mentor(programme=programme, capacity=2)
    make_mentee(programme=programme)
    make_mentee(programme=programme)
    client.force_login(scheme_admin)
    run_url = client.post(reverse("mentoring:match_run_create", args=[programme.pk]))["Location"]
    page = client.get(run_url).text
    assert "2 pairs from 2 mentees and 1 mentor with free places" in page
    assert "Confirm these 2 pairs" in page
    run = MatchRun.objects.get()
    done = client.post(reverse("mentoring:match_run_confirm", args=[run.pk]), follow=True)
    assert "2 partnerships confirmed" in done.text
    matched = OutboundEmail.objects.filter(category="mentoring.matched").first()
    assert matched is not None
    assert "There are 3 official meetings across the programme." in matched.body_text


def test_single_meeting_programme_messages(client: Client) -> None:
    today = timezone.localdate()
    programme = make_programme(  # the only meeting is due by the end date, today
        official_meetings=1, starts_on=today - datetime.timedelta(days=100), ends_on=today
    )
    partnership = pair(programme)
    assert meeting_reminders_sweep() == 1
    reminder = OutboundEmail.objects.filter(category="mentoring.meeting_reminder").first()
    assert reminder is not None
    assert "we would expect the official meeting" in reminder.body_text
    assert "none has been logged so far" in reminder.body_text
    user = partnership.mentor_application.user
    meeting_log(
        actor=user,
        partnership_id=partnership.pk,
        held_on=today - datetime.timedelta(days=1),
        mode="video",
    )
    with pytest.raises(MentoringError, match=r"^The official meeting is already logged"):
        meeting_log(
            actor=user,
            partnership_id=partnership.pk,
            held_on=today - datetime.timedelta(days=1),
            mode="video",
        )
    client.force_login(user)
    page = client.get(reverse("mentoring:programme", args=[programme.pk])).text
    assert "1 official meeting, by video call or in person" in page


# --- After the end: only what is still possible ------------------------------------------------


def _ended_pair() -> Partnership:
    """A pair matched 60 days ago in a programme that ended 30 days ago (not yet wrapped up)."""
    then = datetime.datetime.combine(timezone.localdate(), datetime.time(10))
    with time_machine.travel(then - datetime.timedelta(days=60), tick=False):
        today = timezone.localdate()
        return pair(
            make_programme(
                starts_on=today - datetime.timedelta(days=100),
                ends_on=today + datetime.timedelta(days=30),
            )
        )


def test_ended_partnership_offers_no_logging_or_unavailability(client: Client) -> None:
    partnership = _ended_pair()
    page_url = reverse("mentoring:partnership", args=[partnership.pk])
    for user in (partnership.mentor_application.user, partnership.mentee_application.user):
        client.force_login(user)
        page = client.get(page_url).text
        assert "This partnership has ended" in page
        assert "meetings can no longer be logged" in page
        assert "Log a meeting" not in page
        assert reverse("mentoring:meeting_log", args=[partnership.pk]) not in page
        assert reverse("mentoring:unavailability_add", args=[partnership.pk]) not in page
        assert reverse("mentoring:email_frequency", args=[partnership.pk]) not in page
        assert reverse("mentoring:withdraw", args=[partnership.pk]) not in page
        assert "Suggested schedule" not in page and "No meeting was logged." in page
        assert "you are invited to future programmes" in page
        home = client.get(reverse("mentoring:home")).text
        assert ">Ended</span>" in home and ">Active</span>" not in home


def test_admin_page_after_the_end_and_after_wrap_up(client: Client, scheme_admin: User) -> None:
    partnership = _ended_pair()
    programme = partnership.programme
    url = reverse("mentoring:admin_programme", args=[programme.pk])
    client.force_login(scheme_admin)
    page = client.get(url).text
    assert reverse("mentoring:match_run_create", args=[programme.pk]) not in page
    assert "End the partnerships now and invite everyone to future programmes" in page
    done = client.post(reverse("mentoring:programme_wrap_up", args=[programme.pk]), follow=True)
    assert "Partnerships ended; 2 invitations to future programmes sent." in done.text
    assert "End the partnerships now" not in done.text
    assert "Its partnerships are closed" in done.text
    again = client.post(reverse("mentoring:programme_wrap_up", args=[programme.pk]), follow=True)
    assert "0 invitations to future programmes sent (everyone had already been invited)" in (
        again.text
    )
    run_page = client.get(reverse("mentoring:match_run", args=[partnership.match_run_id])).text
    assert "matching is no longer possible" in run_page
    assert "Run matching again" not in run_page
    assert programme_wrap_up(actor=scheme_admin, programme_id=programme.pk) == 0

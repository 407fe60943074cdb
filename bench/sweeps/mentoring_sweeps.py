"""Sweep bench scenarios of mentoring: the daily sweep of active pairs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bench.sweeps.common import NEW, OPEN, clones, reminded


def mentoring_daily(today: date) -> Callable[[], Any]:
    from mentoring.jobs import daily_sweep
    from mentoring.models import MenteeApplication, MentorApplication, Partnership
    from mentoring.tests.factories import make_mentee, make_mentor, make_programme

    programmes = 100
    per = OPEN // programmes
    start = today - timedelta(days=55)  # the first meeting was due on day 50; mid survey later
    first = make_programme(
        name="Bench programme 0", starts_on=start, ends_on=start + timedelta(days=150)
    )
    mentor = make_mentor(programme=first)
    mentee = make_mentee(programme=first)
    from portal.models import User

    mentor_users = [
        mentor.user,
        *User.objects.bulk_create(
            [User(email=f"bench.mentor{n}@example.com") for n in range(1, per)]
        ),
    ]
    mentee_users = [
        mentee.user,
        *User.objects.bulk_create(
            [User(email=f"bench.mentee{n}@example.com") for n in range(1, per)]
        ),
    ]
    pairs: list[Partnership] = []
    for p in range(programmes):
        programme = (
            first
            if p == 0
            else make_programme(
                name=f"Bench programme {p}", starts_on=start, ends_on=start + timedelta(days=150)
            )
        )

        def mentor_copy(copy: Any, n: int, programme: Any = programme) -> None:
            copy.programme, copy.user, copy.email = (
                programme,
                mentor_users[n],
                mentor_users[n].email,
            )

        def mentee_copy(copy: Any, n: int, programme: Any = programme) -> None:
            copy.programme, copy.user = programme, mentee_users[n]
            copy.university_email = mentee_users[n].email

        if p == 0:
            mentors = [
                mentor,
                *clones(MentorApplication, mentor, per - 1, lambda c, n: mentor_copy(c, n + 1)),
            ]
            mentees = [
                mentee,
                *clones(MenteeApplication, mentee, per - 1, lambda c, n: mentee_copy(c, n + 1)),
            ]
        else:
            mentors = clones(MentorApplication, mentor, per, mentor_copy)
            mentees = clones(MenteeApplication, mentee, per, mentee_copy)
        pairs += Partnership.objects.bulk_create(
            [
                Partnership(programme=programme, mentor_application=m, mentee_application=e)
                for m, e in zip(mentors, mentees, strict=True)
            ],
            batch_size=5000,
        )
    reminded("mentoring.meeting_behind", Partnership, [(p.pk, "meeting-1") for p in pairs[NEW:]])
    return lambda: daily_sweep()

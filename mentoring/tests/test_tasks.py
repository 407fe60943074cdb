"""Scheduled work: meeting reminders, survey invitations, end-of-programme wrap-up; idempotent."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring import tasks
from mentoring.errors import MentoringError
from mentoring.jobs import meeting_reminders_sweep, survey_invitations_sweep
from mentoring.models import Partnership, Programme
from mentoring.services.partnerships import meeting_log, partnership_withdraw
from mentoring.services.programmes import programme_wrap_up
from mentoring.tests.factories import make_programme, pair
from portal.models import OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _programme_started(days_ago: int, length: int = 150) -> Programme:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days_ago)
    return make_programme(starts_on=start, ends_on=start + datetime.timedelta(days=length))


def reminders() -> int:
    return OutboundEmail.objects.filter(category="mentoring.meeting_reminder").count()


def test_reminder_once_per_pair_per_stage() -> None:
    partnership = pair(_programme_started(days_ago=55))  # stage 1 due on day 50
    behind = meeting_reminders_sweep()
    assert behind == 1 and reminders() == 2  # one email to each partner
    assert meeting_reminders_sweep() == 0 and reminders() == 2
    tasks.send_meeting_reminders()
    assert reminders() == 2
    # Next stage: a new reminder, once.
    later = partnership.programme.starts_on + datetime.timedelta(days=101)
    assert meeting_reminders_sweep(today=later) == 1
    assert meeting_reminders_sweep(today=later) == 0


def test_pairs_on_schedule_are_not_reminded() -> None:
    partnership = pair(_programme_started(days_ago=55))
    meeting_log(
        actor=partnership.mentor_application.user,
        partnership_id=partnership.pk,
        held_on=timezone.localdate() - datetime.timedelta(days=5),
        mode="in_person",
    )
    assert meeting_reminders_sweep() == 0
    pair(_programme_started(days_ago=10))  # no meeting due yet
    assert meeting_reminders_sweep() == 0


def test_withdrawn_pairs_are_not_reminded() -> None:
    partnership = pair(_programme_started(days_ago=55))
    partnership_withdraw(actor=partnership.mentee_application.user, partnership_id=partnership.pk)
    assert meeting_reminders_sweep() == 0


def test_survey_invitations_once_per_stage() -> None:
    pair(_programme_started(days_ago=80))  # past the midpoint
    assert survey_invitations_sweep() == 1
    assert survey_invitations_sweep() == 0
    assert OutboundEmail.objects.filter(category="mentoring.survey_invitation").count() == 2


def test_end_of_programme_wrap_up_ends_and_invites_once() -> None:
    partnership = pair(_programme_started(days_ago=10))
    programme = partnership.programme
    with pytest.raises(MentoringError, match="not ended"):
        programme_wrap_up(actor=make_user(Role.SCHEME_ADMIN), programme_id=programme.pk)
    after = programme.ends_on + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(after, datetime.time(10)), tick=False):
        result = tasks.send_meeting_reminders()
        assert result["end_invitations"] == 2
        assert tasks.send_meeting_reminders()["end_invitations"] == 0
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ENDED
    invites = OutboundEmail.objects.filter(category="mentoring.future_invitation")
    assert sorted(invites.values_list("to", flat=True)) == sorted(
        [partnership.mentor_application.email, partnership.mentee_application.university_email]
    )


def test_reminders_are_listed_for_scheme_admins(client: Client) -> None:
    partnership = pair(_programme_started(days_ago=55))
    meeting_reminders_sweep()
    admin = make_user(Role.SCHEME_ADMIN)
    client.force_login(admin)
    page = client.get(reverse("mentoring:admin_programme", args=[partnership.programme_id]))
    text = page.content.decode()
    assert "behind schedule" in text and "0 of 1 logged" in text

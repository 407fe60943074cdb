"""The reminder sweep: a verification waiting over 3 working days reminds the team, once."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alumni.jobs import REMINDER_KIND, verification_reminder_sweep
from alumni.tests.factories import make_pending, verification_of
from portal.models import OutboundEmail, Reminder
from portal.roles import Role
from portal.tests.factories import make_user
from portal.workdays import default_calendar

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_due_three_working_days_after_the_request() -> None:
    verification = verification_of(make_pending())
    expected = default_calendar().add_working_days(verification.requested_at, 3)
    assert verification.due_at == expected


def test_the_sweep_reminds_once_when_overdue_and_not_before() -> None:
    make_user(Role.ENGAGEMENT_STAFF, email="team@example.ac.uk")
    verification = verification_of(make_pending())
    # Requested on a Monday morning: due Thursday morning; not yet on Wednesday.
    monday = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    due = default_calendar().add_working_days(monday, 3)
    assert due is not None
    type(verification).objects.filter(pk=verification.pk).update(requested_at=monday, due_at=due)
    assert verification_reminder_sweep(now=monday + datetime.timedelta(days=2)) == 0
    later = due + datetime.timedelta(minutes=1)
    assert verification_reminder_sweep(now=later) == 1
    assert verification_reminder_sweep(now=later) == 0  # idempotent
    assert Reminder.objects.filter(kind=REMINDER_KIND).count() == 1
    email = OutboundEmail.objects.get(to="team@example.ac.uk", category=REMINDER_KIND)
    assert verification.user.email in email.body_text


def test_a_decided_verification_is_not_reminded() -> None:
    from alumni.services.verification import verification_reject

    make_user(Role.ENGAGEMENT_STAFF)
    verification = verification_of(make_pending())
    verification_reject(
        actor=make_user(Role.ENGAGEMENT_STAFF), verification_id=verification.pk, reason="No."
    )
    assert verification_reminder_sweep(now=timezone.now() + datetime.timedelta(days=30)) == 0

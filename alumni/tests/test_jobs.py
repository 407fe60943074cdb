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


def _overdue(count: int) -> None:
    for _ in range(count):
        make_pending()
    past = timezone.now() - datetime.timedelta(days=20)
    from alumni.models import Verification

    Verification.objects.update(requested_at=past, due_at=past + datetime.timedelta(days=5))


@pytest.mark.parametrize("count", [3, 30])
def test_a_sweep_with_nothing_new_to_send_costs_one_query_however_many_wait(
    count: int, django_assert_num_queries
) -> None:
    make_user(Role.ENGAGEMENT_STAFF)
    _overdue(count)
    assert verification_reminder_sweep() == count
    with django_assert_num_queries(1):  # the anti-join finds nothing: nothing else runs
        assert verification_reminder_sweep() == 0


@pytest.mark.parametrize("count", [3, 30])
def test_a_sweep_that_sends_costs_the_same_for_3_or_30(
    count: int, django_assert_num_queries
) -> None:
    make_user(Role.ENGAGEMENT_STAFF)
    _overdue(count)
    # find (with the users), savepoint, one bulk claim, recipients, one outbox write, release
    with django_assert_num_queries(7, exact=False):
        assert verification_reminder_sweep() == count


def test_a_resubmission_is_reminded_about_again_when_it_is_overdue() -> None:
    from alumni.matching import Details
    from alumni.models import Verification
    from alumni.services.verification import verification_resubmit

    make_user(Role.ENGAGEMENT_STAFF)
    _overdue(1)
    assert verification_reminder_sweep() == 1
    verification = Verification.objects.get()
    verification_resubmit(actor=verification.user, details=Details(family_name="Other"))
    verification.refresh_from_db()
    assert verification_reminder_sweep(now=verification.requested_at) == 0  # not due yet
    assert verification.due_at is not None
    assert verification_reminder_sweep(now=verification.due_at + datetime.timedelta(minutes=1)) == 1
    assert Reminder.objects.filter(kind=REMINDER_KIND).count() == 2


def test_an_unconfirmed_sign_up_is_neither_queued_nor_reminded_about() -> None:
    from allauth.account.models import EmailAddress

    from alumni.selectors import queue

    staff = make_user(Role.ENGAGEMENT_STAFF)
    _overdue(2)
    squatter = make_pending(verified=False)
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False)
    from alumni.models import Verification

    Verification.objects.filter(user=squatter).update(
        requested_at=timezone.now() - datetime.timedelta(days=20),
        due_at=timezone.now() - datetime.timedelta(days=10),
    )
    assert verification_reminder_sweep() == 2
    assert squatter not in {v.user for v in queue(user=staff)}

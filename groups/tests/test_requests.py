"""The request state machine: every transition's happy path, wrong state, wrong actor, audit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from groups.errors import GroupsError
from groups.models import GroupRequest, RequestPause
from groups.selectors import due_mark
from groups.services.requests import (
    request_ask_changes,
    request_decline,
    request_mark_sent,
    request_message_post,
    request_resubmit,
    request_schedule,
    request_start,
    request_submit,
)
from groups.tests.factories import details, make_member, make_request
from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db
S = GroupRequest.Status
LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026 (Mon 23 Nov is a working day), London time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def actions(req: GroupRequest) -> list[str]:
    return list(AuditEvent.objects.for_object(req).values_list("action", flat=True))


@pytest.fixture
def staff():
    return make_user(Role.ENGAGEMENT_STAFF)


@pytest.fixture
def req(group, committee):
    return make_request(group, committee)


# --- submit -------------------------------------------------------------------------------------


def test_submit_sets_due_time_screens_and_audits(group, committee):
    make_member(group)
    with time_machine.travel(at(23, 10), tick=False):
        req = request_submit(
            actor=committee,
            group_id=group.pk,
            details=details(content="All proceeds go to the Red Cross appeal this year."),
        )
    assert req.status == S.SUBMITTED
    assert req.due_at == at(26, 10)  # Monday 10:00 + 3 working days = Thursday 10:00
    assert req.first_response_at is None
    assert [f["code"] for f in req.screening] == ["charity_promotion"]
    assert req.screening[0]["clause"] == "000 Online Conduct ¶3"
    assert actions(req) == ["groups.request.submitted"]


def test_submit_by_non_committee_is_refused(group, alumnus, other_committee):
    make_member(group)
    for actor in (alumnus, other_committee):
        with pytest.raises(GroupsError):
            request_submit(actor=actor, group_id=group.pk, details=details())
    assert not GroupRequest.objects.exists()


def test_submit_email_to_group_without_consenting_member_is_refused(group, committee):
    make_member(group, consent=False)
    with pytest.raises(GroupsError) as err:
        request_submit(actor=committee, group_id=group.pk, details=details())
    assert err.value.field == "audience"
    public = request_submit(
        actor=committee, group_id=group.pk, details=details(audience=GroupRequest.Audience.PUBLIC)
    )
    assert public.status == S.SUBMITTED


# --- due-time rules -------------------------------------------------------------------------------


def test_due_time_after_cutoff_counts_from_next_working_day(group, committee):
    make_member(group)
    with time_machine.travel(at(23, 16, 30), tick=False):
        req = request_submit(actor=committee, group_id=group.pk, details=details())
    assert req.due_at == at(26, 17)  # clock starts Tue 09:00 -> Thu 17:00


def test_due_time_on_friday_skips_the_weekend(group, committee):
    make_member(group)
    with time_machine.travel(at(27, 11), tick=False):
        req = request_submit(actor=committee, group_id=group.pk, details=details())
    assert req.due_at == datetime(2026, 12, 2, 11, tzinfo=LONDON)


def test_clock_pauses_while_changes_requested_and_resumes_on_resubmission(group, committee, staff):
    make_member(group)
    with time_machine.travel(at(23, 10), tick=False):
        req = request_submit(actor=committee, group_id=group.pk, details=details())
    with time_machine.travel(at(24, 10), tick=False):
        req = request_ask_changes(actor=staff, request_id=req.pk, message="Add the venue.")
    assert req.due_at is None
    assert due_mark(req).label.startswith("Paused")
    with time_machine.travel(at(25, 10), tick=False):
        req = request_resubmit(
            actor=committee,
            request_id=req.pk,
            details=details(content="Now with venue."),
            note="Done",
        )
    # One working day was used before the pause, one paused day is added: Fri 10:00.
    assert req.due_at == at(27, 10)
    assert req.stage == 1
    pause = RequestPause.objects.get(request=req)
    assert pause.started_at == at(24, 10) and pause.ended_at == at(25, 10)


def test_due_marks(group, committee):
    make_member(group)
    with time_machine.travel(at(23, 10), tick=False):
        req = request_submit(actor=committee, group_id=group.pk, details=details())
    assert due_mark(req, at(23, 12)).label == "Due in 3 working days"
    assert due_mark(req, at(26, 9)).label == "Due today"
    assert due_mark(req, at(26, 11)).label == "Overdue"
    assert due_mark(req, at(27, 9)).label == "Overdue"


# --- transitions ----------------------------------------------------------------------------------


def test_start_assigns_and_stamps_first_response(req, staff):
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        moved = request_start(actor=staff, request_id=req.pk)
        assert moved.first_response_at == timezone.now()
    assert moved.status == S.IN_PROGRESS and moved.assigned_to == staff
    assert actions(req)[0] == "groups.request.started"
    event = AuditEvent.objects.for_object(req)[0]
    assert event.actor == staff and event.old == {"status": "submitted"}


def test_start_wrong_actor_and_wrong_state(req, staff, committee, alumnus):
    for actor in (committee, alumnus):
        with pytest.raises(GroupsError):
            request_start(actor=actor, request_id=req.pk)
    request_start(actor=staff, request_id=req.pk)
    with pytest.raises(GroupsError):
        request_start(actor=staff, request_id=req.pk)
    assert actions(req).count("groups.request.started") == 1


def test_ask_changes(req, staff, committee, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moved = request_ask_changes(actor=staff, request_id=req.pk, message="Shorter please")
    assert moved.status == S.CHANGES_REQUESTED
    assert moved.messages.get().body == "Shorter please"
    assert "groups.request.changes_requested" in actions(req)
    assert [m.to for m in mailoutbox] == [[committee.email]]
    with pytest.raises(GroupsError):
        request_ask_changes(actor=committee, request_id=req.pk, message="x")
    with pytest.raises(GroupsError):  # already waiting for changes
        request_ask_changes(actor=staff, request_id=req.pk, message="again")
    with pytest.raises(GroupsError):
        request_ask_changes(actor=staff, request_id=req.pk, message="  ")


def test_resubmit_keeps_history(req, staff, committee, other_committee):
    with pytest.raises(GroupsError):  # wrong state
        request_resubmit(actor=committee, request_id=req.pk, details=details())
    request_ask_changes(actor=staff, request_id=req.pk, message="Change the title")
    with pytest.raises(GroupsError):  # wrong actor
        request_resubmit(actor=other_committee, request_id=req.pk, details=details())
    moved = request_resubmit(
        actor=committee, request_id=req.pk, details=details(title="Winter drinks"), note="ok"
    )
    assert moved.status == S.SUBMITTED and moved.title == "Winter drinks"
    event = AuditEvent.objects.for_object(req).filter(action="groups.request.resubmitted").get()
    assert event.new["changed"] == {"title": "Winter drinks"}
    assert event.new["previous"] == {"title": "Autumn drinks"}
    assert [m.from_staff for m in moved.messages.all()] == [True, False]


def test_schedule(req, staff, committee):
    when = timezone.now() + timedelta(days=3)
    with pytest.raises(GroupsError):
        request_schedule(actor=committee, request_id=req.pk, scheduled_for=when)
    with pytest.raises(GroupsError):
        request_schedule(
            actor=staff, request_id=req.pk, scheduled_for=timezone.now() - timedelta(days=1)
        )
    moved = request_schedule(actor=staff, request_id=req.pk, scheduled_for=when)
    assert moved.status == S.SCHEDULED and moved.scheduled_for == when
    assert moved.first_response_at is not None
    assert "groups.request.scheduled" in actions(req)
    with pytest.raises(GroupsError):
        request_schedule(actor=staff, request_id=req.pk, scheduled_for=when)


def test_decline_closes_open_pause(req, staff, committee):
    with pytest.raises(GroupsError):
        request_decline(actor=committee, request_id=req.pk, reason="no")
    with pytest.raises(GroupsError):
        request_decline(actor=staff, request_id=req.pk, reason="")
    request_ask_changes(actor=staff, request_id=req.pk, message="fix")
    moved = request_decline(actor=staff, request_id=req.pk, reason="Advertising")
    assert moved.status == S.DECLINED and moved.decline_reason == "Advertising"
    assert not RequestPause.objects.filter(request=req, ended_at__isnull=True).exists()
    assert "groups.request.declined" in actions(req)
    with pytest.raises(GroupsError):
        request_decline(actor=staff, request_id=req.pk, reason="again")


def test_mark_sent_for_public_listing(group, committee, staff):
    req = make_request(group, committee, audience=GroupRequest.Audience.PUBLIC)
    with pytest.raises(GroupsError):  # still submitted
        request_mark_sent(actor=staff, request_id=req.pk)
    request_start(actor=staff, request_id=req.pk)
    with pytest.raises(GroupsError):
        request_mark_sent(actor=committee, request_id=req.pk)
    moved = request_mark_sent(actor=staff, request_id=req.pk)
    assert moved.status == S.SENT and moved.sent_at is not None
    assert "groups.request.sent" in actions(req)


def test_email_requests_are_not_marked_sent_by_hand(req, staff):
    request_start(actor=staff, request_id=req.pk)
    with pytest.raises(GroupsError):
        request_mark_sent(actor=staff, request_id=req.pk)


def test_messages_from_both_sides_only(req, staff, committee, other_committee):
    request_message_post(actor=staff, request_id=req.pk, body="Hello")
    request_message_post(actor=committee, request_id=req.pk, body="Hi")
    with pytest.raises(GroupsError):
        request_message_post(actor=other_committee, request_id=req.pk, body="Me too")
    assert [m.from_staff for m in req.messages.all()] == [True, False]


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------


TRANSITIONS: dict[str, tuple[Callable[..., GroupRequest], dict[str, str], str]] = {
    "start": (request_start, {}, "groups.request.started"),
    "decline": (request_decline, {"reason": "No"}, "groups.request.declined"),
}


ROUNDS = 20


def _race(actors: list[User], act: Callable[[User], None]) -> None:
    """Run ``act`` for each actor in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(actors))

    def run(actor: User) -> None:
        try:
            barrier.wait()
            act(actor)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.parametrize("transition", sorted(TRANSITIONS))
@pytest.mark.django_db(transaction=True)
def test_two_staff_cannot_both_move_a_request(postgres_only, group, committee, transition):
    """Two reviewers click the same action at once, 20 times over: the row lock lets exactly
    one through each time (one round alone passes by luck of timing too often)."""
    staff = [make_user(Role.ENGAGEMENT_STAFF), make_user(Role.ENGAGEMENT_STAFF)]
    service, kwargs, action = TRANSITIONS[transition]
    for round_number in range(ROUNDS):
        req = make_request(group, committee, title=f"Round {round_number}")
        outcomes: list[str] = []

        def act(actor: User, req: GroupRequest = req, outcomes: list[str] = outcomes) -> None:
            try:
                service(actor=actor, request_id=req.pk, **kwargs)
                outcomes.append("moved")
            except GroupsError:
                outcomes.append("refused")

        _race(staff, act)
        assert sorted(outcomes) == ["moved", "refused"], round_number
        assert actions(req).count(action) == 1, round_number


@pytest.mark.django_db(transaction=True)
def test_two_staff_cannot_both_send_a_request(postgres_only, group, committee):
    """Two reviewers send the same email at once, 20 times over: one communication each time,
    and the other is refused by the service, not by the database's constraint."""
    from groups.models import Communication
    from groups.services.communications import communication_create

    staff = [make_user(Role.ENGAGEMENT_STAFF), make_user(Role.ENGAGEMENT_STAFF)]
    make_member(group)
    for round_number in range(ROUNDS):
        req = make_request(group, committee, title=f"Round {round_number}")
        request_start(actor=staff[0], request_id=req.pk)
        outcomes: list[str] = []

        def act(actor: User, req: GroupRequest = req, outcomes: list[str] = outcomes) -> None:
            try:
                communication_create(actor=actor, request_id=req.pk, subject="Hi", body="Body")
                outcomes.append("sent")
            except GroupsError:
                outcomes.append("refused")

        _race(staff, act)
        assert sorted(outcomes) == ["refused", "sent"], round_number
        assert Communication.objects.filter(request=req).count() == 1, round_number

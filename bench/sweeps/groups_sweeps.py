"""Sweep bench scenarios of the groups app: SLA reminders, annual plans, dispatch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from bench.sweeps.common import NEW, OPEN, clones, reminded


def groups_sla(now: datetime) -> Callable[[], Any]:
    import time_machine

    from groups.models import GroupRequest
    from groups.tasks import send_sla_reminders
    from groups.tests.factories import details, make_committee, make_group, make_member
    from portal.roles import Role
    from portal.tests.factories import make_user

    make_user(Role.ENGAGEMENT_MANAGER)
    group = make_group(name="Bench SLA group", slug="bench-sla")
    committee = make_committee(group)
    make_member(group)
    from groups.services.requests import request_submit

    with time_machine.travel(now - timedelta(days=10), tick=False):
        first = request_submit(actor=committee, group_id=group.pk, details=details())

    def vary(copy: Any, n: int) -> None:
        copy.due_at = now - timedelta(hours=1 + n % 500)

    made = [*clones(GroupRequest, first, OPEN - 1, vary), first]
    reminded("groups.sla.overdue", GroupRequest, [(r.pk, f"stage-{r.stage}") for r in made[NEW:]])
    return lambda: send_sla_reminders()


def groups_plans(today: date) -> Callable[[], Any]:
    from groups.jobs import plan_reminder_sweep
    from groups.models import AlumniGroup, CommitteeMembership
    from groups.tests.factories import make_committee, make_group

    group = make_group(name="Bench plan group", slug="bench-plan-0")
    make_committee(group)
    seat = CommitteeMembership.objects.get(group=group)

    def vary(copy: Any, n: int) -> None:
        copy.name, copy.slug = f"Bench plan group {n + 1}", f"bench-plan-{n + 1}"

    made = [group, *clones(AlumniGroup, group, OPEN - 1, vary)]
    CommitteeMembership.objects.bulk_create(
        [
            CommitteeMembership(
                group=g, user_id=seat.user_id, role=seat.role, started_at=seat.started_at
            )
            for g in made[1:]
        ],
        batch_size=5000,
    )
    reminded("groups.plan.reminder", AlumniGroup, [(g.pk, str(today.year)) for g in made[NEW:]])
    return lambda: plan_reminder_sweep(today=today)


def groups_dispatch(now: datetime) -> Callable[[], Any]:
    from groups.jobs import communication_dispatch_sweep
    from groups.models import Communication, Delivery, Membership
    from groups.services.communications import communication_create
    from groups.services.requests import request_schedule
    from groups.tests.factories import make_committee, make_group, make_member, make_request
    from portal.models import User
    from portal.roles import Role
    from portal.tests.factories import make_user

    group = make_group(name="Bench dispatch group", slug="bench-dispatch")
    committee = make_committee(group)
    staff = make_user(Role.ENGAGEMENT_STAFF)
    make_member(group)
    request = make_request(group, committee)
    request_schedule(actor=staff, request_id=request.pk, scheduled_for=now + timedelta(days=20))
    communication = communication_create(
        actor=staff, request_id=request.pk, subject="Later", body="Scheduled for later."
    )
    assert communication.status == Communication.Status.SCHEDULED
    users = User.objects.bulk_create(
        [User(email=f"bench.member{n}@example.com") for n in range(OPEN)], batch_size=5000
    )
    members = Membership.objects.bulk_create(
        [Membership(group=group, user=u, email_consent=True) for u in users], batch_size=5000
    )
    Delivery.objects.bulk_create(
        [
            Delivery(communication=communication, membership=m, recipient_id=m.user_id, batch=n)
            for n, m in enumerate(members)
        ],
        batch_size=5000,
    )
    return lambda: communication_dispatch_sweep(now=now)

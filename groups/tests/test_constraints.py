"""Defences a database constraint holds behind the service: each is tested twice, through the
service (its refusal or its no-op) and with the service bypassed (the IntegrityError names the
constraint), so dropping either layer fails a test."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from groups.errors import GroupsError
from groups.models import (
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    Communication,
    Delivery,
    GroupRequest,
    Membership,
)
from groups.services.communications import communication_create
from groups.services.groups import committee_appoint, membership_join
from groups.services.plans import plan_save
from groups.services.requests import request_start
from groups.tests.factories import make_member, make_request
from portal.models import User
from portal.roles import Role
from portal.tests.db import refused_by_database
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return make_user(Role.ENGAGEMENT_STAFF)


@pytest.fixture
def started(group: AlumniGroup, committee: User, staff: User) -> GroupRequest:
    make_member(group)
    req = make_request(group, committee)
    request_start(actor=staff, request_id=req.pk)
    return req


def _violates(constraint: str) -> pytest.RaisesExc[IntegrityError]:
    """Expect the database itself to refuse the write (naming ``constraint`` on PostgreSQL)."""
    return refused_by_database(constraint)


def test_one_communication_per_request_through_the_service(started: GroupRequest, staff: User):
    communication_create(actor=staff, request_id=started.pk, subject="Hi", body="Body")
    with pytest.raises(GroupsError) as refused:
        communication_create(actor=staff, request_id=started.pk, subject="Again", body="Body")
    assert refused.value.message == "This request's email has already been sent."
    assert Communication.objects.filter(request=started).count() == 1


def test_one_communication_per_request_in_the_database(started: GroupRequest, staff: User):
    communication_create(actor=staff, request_id=started.pk, subject="Hi", body="Body")
    with _violates("groups_one_live_communication_per_request"), transaction.atomic():
        Communication.objects.create(request=started, subject="Again", body="x", created_by=staff)


def test_one_delivery_per_recipient_through_the_service(started: GroupRequest, staff: User):
    communication = communication_create(
        actor=staff, request_id=started.pk, subject="Hi", body="Body"
    )
    assert Delivery.objects.filter(communication=communication).count() == 1


def test_one_delivery_per_recipient_in_the_database(started: GroupRequest, staff: User):
    communication = communication_create(
        actor=staff, request_id=started.pk, subject="Hi", body="Body"
    )
    delivery = Delivery.objects.get(communication=communication)
    with _violates("groups_one_delivery_per_recipient"), transaction.atomic():
        Delivery.objects.create(
            communication=communication,
            recipient_id=delivery.recipient_id,
            membership_id=delivery.membership_id,
            batch=1,
        )


def test_one_open_seat_through_the_service(group: AlumniGroup, staff: User):
    alumnus = make_user(Role.ALUMNUS)
    first = committee_appoint(actor=staff, group_id=group.pk, user_id=alumnus.pk, role="member")
    again = committee_appoint(actor=staff, group_id=group.pk, user_id=alumnus.pk, role="member")
    assert again.pk == first.pk
    assert CommitteeMembership.objects.filter(group=group, user=alumnus).count() == 1


def test_one_open_seat_in_the_database(group: AlumniGroup, committee: User):
    with _violates("groups_one_open_committee_seat"), transaction.atomic():
        CommitteeMembership.objects.create(group=group, user=committee)


def test_one_open_membership_through_the_service(group: AlumniGroup):
    alumnus = make_user(Role.ALUMNUS)
    first = membership_join(actor=alumnus, group_id=group.pk)
    assert membership_join(actor=alumnus, group_id=group.pk).pk == first.pk
    assert Membership.objects.filter(group=group, user=alumnus).count() == 1


def test_one_open_membership_in_the_database(group: AlumniGroup):
    membership = make_member(group)
    with _violates("groups_one_open_membership"), transaction.atomic():
        Membership.objects.create(group=group, user=membership.user)


def test_one_plan_per_year_through_the_service(group: AlumniGroup, committee: User):
    for objectives in ("First", "Second"):
        plan_save(
            actor=committee,
            group_id=group.pk,
            year=2026,
            objectives=objectives,
            activities={"1": "Dinner"},
            communication_plan="",
        )
    assert AnnualPlan.objects.get(group=group, year=2026).objectives == "Second"


def test_one_plan_per_year_in_the_database(group: AlumniGroup, committee: User):
    AnnualPlan.objects.create(group=group, year=2026)
    with _violates("groups_one_plan_per_year"), transaction.atomic():
        AnnualPlan.objects.create(group=group, year=2026)

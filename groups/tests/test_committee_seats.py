"""Ending or deleting a committee seat by any path takes committee access away."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import AlumniGroup, CommitteeMembership
from groups.permissions import is_committee_member
from groups.services.groups import committee_appoint, committee_end
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _status(user: User, group: AlumniGroup) -> int:
    client = Client()
    client.force_login(user)
    return client.get(reverse("groups:committee_home", args=[group.slug])).status_code


def _seat(group: AlumniGroup, user: User) -> CommitteeMembership:
    return CommitteeMembership.objects.get(group=group, user=user, ended_at__isnull=True)


def test_a_seated_member_reaches_the_committee_area(group: AlumniGroup, committee: User) -> None:
    assert _status(committee, group) == 200


def test_ending_a_seat_through_the_service(
    group: AlumniGroup, committee: User, engagement_staff: User
) -> None:
    committee_end(actor=engagement_staff, seat_id=_seat(group, committee).pk)
    assert not is_committee_member(User.objects.get(pk=committee.pk), group)
    assert _status(committee, group) == 404


def test_ending_a_seat_by_saving_it(group: AlumniGroup, committee: User) -> None:
    seat = _seat(group, committee)
    seat.ended_at = timezone.now()
    seat.save()
    assert _status(committee, group) == 404


def test_deleting_a_seat(group: AlumniGroup, committee: User) -> None:
    _seat(group, committee).delete()
    assert _status(committee, group) == 404


def test_bulk_deleting_seats(group: AlumniGroup, committee: User) -> None:
    CommitteeMembership.objects.filter(group=group).delete()
    assert _status(committee, group) == 404


def test_deleting_the_group_takes_its_seats_and_access(group: AlumniGroup, committee: User) -> None:
    slug = group.slug
    group.delete()
    assert not CommitteeMembership.objects.filter(user=committee).exists()
    client = Client()
    client.force_login(committee)
    assert client.get(reverse("groups:committee_home", args=[slug])).status_code == 404


def test_deleting_an_old_seat_keeps_the_current_one(
    group: AlumniGroup, committee: User, engagement_staff: User
) -> None:
    """Reappointed after a seat ended: removing the old row must not take today's access."""
    committee_end(actor=engagement_staff, seat_id=_seat(group, committee).pk)
    committee_appoint(
        actor=engagement_staff,
        group_id=group.pk,
        user_id=committee.pk,
        role=CommitteeMembership.Role.MEMBER,
    )
    CommitteeMembership.objects.filter(group=group, user=committee, ended_at__isnull=False).delete()
    assert _status(committee, group) == 200


def test_other_groups_and_members_keep_their_access(
    group: AlumniGroup, other_group: AlumniGroup, committee: User
) -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    committee_appoint(actor=staff, group_id=other_group.pk, user_id=committee.pk, role="member")
    colleague = make_user(Role.ALUMNUS)
    committee_appoint(actor=staff, group_id=group.pk, user_id=colleague.pk, role="secretary")
    _seat(group, committee).delete()
    assert _status(committee, group) == 404
    assert _status(committee, other_group) == 200
    assert _status(colleague, group) == 200

"""Factories and helpers for the groups tests; states are reached through the services."""

from __future__ import annotations

from typing import Any, cast

import factory

from groups.models import AlumniGroup, CommitteeMembership, GroupRequest, Membership
from groups.services.groups import committee_appoint, membership_join
from groups.services.requests import RequestDetails, request_submit
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user


class AlumniGroupFactory(factory.django.DjangoModelFactory[AlumniGroup]):
    class Meta:
        model = AlumniGroup
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Alumni Group {n}")
    slug = factory.Sequence(lambda n: f"alumni-group-{n}")
    kind = AlumniGroup.Kind.REGIONAL
    place = "Nairobi"
    country = "Kenya"
    description = "A friendly group."


def make_group(**kwargs: Any) -> AlumniGroup:
    return cast(AlumniGroup, AlumniGroupFactory(**kwargs))


def make_committee(
    group: AlumniGroup, role: str = CommitteeMembership.Role.CHAIR, **kwargs: Any
) -> User:
    """An alumnus appointed to ``group``'s committee through the service."""
    user = make_user(Role.ALUMNUS, **kwargs)
    appointer = make_user(Role.ENGAGEMENT_STAFF)
    committee_appoint(actor=appointer, group_id=group.pk, user_id=user.pk, role=role)
    return user


def make_member(group: AlumniGroup, *, consent: bool = True, **kwargs: Any) -> Membership:
    user = make_user(Role.ALUMNUS, **kwargs)
    return membership_join(actor=user, group_id=group.pk, consent=consent)


def details(**overrides: Any) -> RequestDetails:
    values: dict[str, Any] = {
        "kind": GroupRequest.Kind.NEWSLETTER,
        "title": "Autumn drinks",
        "content": "Join us for drinks by the river.",
        "audience": GroupRequest.Audience.MEMBERS,
    }
    values.update(overrides)
    return RequestDetails(**values)


def make_request(
    group: AlumniGroup, committee: User | None = None, **overrides: Any
) -> GroupRequest:
    """A submitted request; gives the group a consenting member if it has none."""
    if not Membership.objects.filter(group=group, email_consent=True).exists():
        make_member(group)
    committee = committee or make_committee(group)
    return request_submit(actor=committee, group_id=group.pk, details=details(**overrides))

"""Every groups URL for every role: anonymous, alumnus, committee of this group, committee of
another group, engagement staff. Pages a role may not use answer 403 (role pages) or 404
(another group's objects); anonymous visitors of non-public pages are sent to sign in.

A POST's status says little (a refused action redirects too), so each POST is also checked for
its effect: the state it would change is read before and after every role's attempt, and it
changes exactly for the roles that may act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client

from groups.models import (
    AlumniGroup,
    AnnualPlan,
    CommitteeMembership,
    GroupRequest,
    Membership,
    OutsidePresence,
    PageChange,
    RequestMessage,
)
from groups.services.communications import unsubscribe_token
from groups.services.groups import committee_appoint, membership_join
from groups.services.pages import page_change_propose
from groups.services.plans import plan_save
from groups.services.presences import presence_register
from groups.services.requests import request_ask_changes
from groups.tests.factories import make_committee, make_group, make_request
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

ROLES = ("anonymous", "alumnus", "committee", "other_committee", "staff")
LOGIN = "login"  # a redirect to the sign-in page


Expected = dict[str, int | str]


@dataclass
class World:
    users: dict[str, User | None]
    urls: dict[str, str]
    post_data: dict[str, str] = field(default_factory=dict)
    # URL name -> a reading of the state a POST to it would change
    state: dict[str, Callable[[], object]] = field(default_factory=dict)


@pytest.fixture
def world(db) -> World:
    group = make_group(name="Alumni Group of Kenya", slug="kenya")
    other = make_group(name="New York Alumni", slug="new-york")
    committee = make_committee(group)
    other_committee = make_committee(other)
    staff = make_user(Role.ENGAGEMENT_STAFF)
    alumnus = make_user(Role.ALUMNUS)
    membership = membership_join(actor=alumnus, group_id=group.pk, consent=True)
    req = make_request(group, committee)
    request_ask_changes(actor=staff, request_id=req.pk, message="Please add a venue.")
    plan = plan_save(
        actor=committee,
        group_id=group.pk,
        year=2026,
        objectives="Grow",
        activities={"1": "Dinner"},
        communication_plan="Emails",
    )
    presence = presence_register(
        actor=committee,
        group_id=group.pk,
        kind=OutsidePresence.Kind.WEBSITE,
        platform=OutsidePresence.Platform.WEBSITE,
        name="Site",
        url="https://example.org",
    )
    page_change = page_change_propose(
        actor=committee, group_id=group.pk, description="New", place="", country="", links=""
    )
    spare = make_user(Role.ALUMNUS)
    seat = committee_appoint(actor=staff, group_id=group.pk, user_id=spare.pk, role="member")
    candidate = make_user(Role.ALUMNUS)  # whom the committee_appoint POST names
    assert isinstance(plan, AnnualPlan) and isinstance(seat, CommitteeMembership)
    g = "/groups"
    urls = {
        "directory": f"{g}/",
        "events": f"{g}/events/",
        "events_ics": f"{g}/events.ics",
        "event_ics": f"{g}/events/{req.pk}.ics",
        "group": f"{g}/g/kenya/",
        "group_ics": f"{g}/g/kenya/events.ics",
        "unsubscribe": f"{g}/unsubscribe/{unsubscribe_token(membership.pk)}/",
        "my_groups": f"{g}/mine/",
        "email_choices": f"{g}/mine/emails/",
        "join": f"{g}/g/new-york/join/",
        "leave": f"{g}/memberships/{membership.pk}/leave/",
        "consent": f"{g}/memberships/{membership.pk}/consent/",
        "committee_home": f"{g}/g/kenya/committee/",
        "request_new": f"{g}/g/kenya/requests/new/",
        "request_detail": f"{g}/g/kenya/requests/{req.pk}/",
        "request_resubmit": f"{g}/g/kenya/requests/{req.pk}/resubmit/",
        "request_message": f"{g}/g/kenya/requests/{req.pk}/message/",
        "plan_edit": f"{g}/g/kenya/plans/2026/",
        "page_edit": f"{g}/g/kenya/page/",
        "presences": f"{g}/g/kenya/presences/",
        "presence_confirm": f"{g}/g/kenya/presences/{presence.pk}/confirm/",
        "queue": f"{g}/staff/queue/",
        "staff_request": f"{g}/staff/requests/{req.pk}/",
        "staff_request_action": f"{g}/staff/requests/{req.pk}/do/message/",
        "compose": f"{g}/staff/requests/{req.pk}/send/",
        "plans_overview": f"{g}/staff/plans/",
        "plan_review": f"{g}/staff/plans/{plan.pk}/",
        "sla_report": f"{g}/staff/sla/",
        "sla_csv": f"{g}/staff/sla.csv",
        "staff_groups": f"{g}/staff/groups/",
        "staff_group": f"{g}/staff/groups/kenya/",
        "committee_appoint": f"{g}/staff/groups/kenya/committee/",
        "committee_end": f"{g}/staff/committee/{seat.pk}/end/",
        "staff_members": f"{g}/staff/groups/kenya/members/",
        "staff_page_changes": f"{g}/staff/pages/",
        "staff_page_change_decide": f"{g}/staff/pages/{page_change.pk}/",
        "staff_presences": f"{g}/staff/presences/",
        "presence_flag": f"{g}/staff/presences/{presence.pk}/flag/",
    }
    users = {
        "anonymous": None,
        "alumnus": alumnus,
        "committee": committee,
        "other_committee": other_committee,
        "staff": staff,
    }
    post_data = {
        "body": "Hello from the access test",
        "email": candidate.email,
        "role": "member",
        "reason": "Misleading page",
        "decision": "return",
    }

    def seat_row(pk: int) -> tuple[object, ...]:
        return tuple(CommitteeMembership.objects.filter(pk=pk).values_list("ended_at", "role"))

    state: dict[str, Callable[[], object]] = {
        "join": lambda: sorted(
            Membership.objects.filter(group=other, left_at__isnull=True).values_list(
                "user_id", flat=True
            )
        ),
        "consent": lambda: Membership.objects.get(pk=membership.pk).email_consent,
        "leave": lambda: Membership.objects.get(pk=membership.pk).left_at,
        "request_message": lambda: RequestMessage.objects.filter(
            request=req, from_staff=False
        ).count(),
        "staff_request_action": lambda: RequestMessage.objects.filter(
            request=req, from_staff=True
        ).count(),
        "presence_confirm": lambda: (
            OutsidePresence.objects.get(pk=presence.pk).disclaimer_confirmed_at
        ),
        "presence_flag": lambda: OutsidePresence.objects.get(pk=presence.pk).flagged,
        "staff_page_change_decide": lambda: PageChange.objects.get(pk=page_change.pk).status,
        "committee_appoint": lambda: CommitteeMembership.objects.filter(
            group=group, user=candidate, ended_at__isnull=True
        ).count(),
        "committee_end": lambda: seat_row(seat.pk),
    }
    return World(users=users, urls=urls, post_data=post_data, state=state)


PUBLIC: Expected = dict.fromkeys(ROLES, 200)
SIGNED_IN: Expected = {
    "anonymous": LOGIN,
    "alumnus": 200,
    "committee": 200,
    "other_committee": 200,
    "staff": 200,
}
COMMITTEE: Expected = {
    "anonymous": LOGIN,
    "alumnus": 404,
    "committee": 200,
    "other_committee": 404,
    "staff": 404,
}
COMMITTEE_POST: Expected = {**COMMITTEE, "committee": 302}
STAFF: Expected = {
    "anonymous": LOGIN,
    "alumnus": 403,
    "committee": 403,
    "other_committee": 403,
    "staff": 200,
}
STAFF_POST: Expected = {**STAFF, "staff": 302}
OWN_MEMBERSHIP_POST: Expected = {
    "anonymous": LOGIN,
    "alumnus": 302,
    "committee": 404,
    "other_committee": 404,
    "staff": 404,
}
# Joining is open to any signed-in user; a non-alumnus is refused with a message (302 back):
# EFFECTS below tells the two apart.
JOIN_POST: Expected = {**dict.fromkeys(ROLES, 302), "anonymous": LOGIN}

MATRIX: dict[str, tuple[str, Expected]] = {
    "directory": ("get", PUBLIC),
    "events": ("get", PUBLIC),
    "events_ics": ("get", PUBLIC),
    # The world's request is not public (changes requested); test_feeds has a public one.
    "event_ics": ("get", dict.fromkeys(ROLES, 404)),
    "group": ("get", PUBLIC),
    "group_ics": ("get", PUBLIC),
    "unsubscribe": ("get", PUBLIC),
    "my_groups": ("get", SIGNED_IN),
    "email_choices": ("get", SIGNED_IN),
    "join": ("post", JOIN_POST),
    "consent": ("post", OWN_MEMBERSHIP_POST),
    "leave": ("post", OWN_MEMBERSHIP_POST),
    "committee_home": ("get", COMMITTEE),
    "request_new": ("get", COMMITTEE),
    "request_detail": ("get", COMMITTEE),
    "request_resubmit": ("get", COMMITTEE),
    "request_message": ("post", COMMITTEE_POST),
    "plan_edit": ("get", COMMITTEE),
    "page_edit": ("get", COMMITTEE),
    "presences": ("get", COMMITTEE),
    "presence_confirm": ("post", COMMITTEE_POST),
    "queue": ("get", STAFF),
    "staff_request": ("get", STAFF),
    "staff_request_action": ("post", STAFF_POST),
    "compose": ("get", STAFF),
    "plans_overview": ("get", STAFF),
    "plan_review": ("get", STAFF),
    "sla_report": ("get", STAFF),
    "sla_csv": ("get", STAFF),
    "staff_groups": ("get", STAFF),
    "staff_group": ("get", STAFF),
    "committee_appoint": ("post", STAFF_POST),
    "committee_end": ("post", STAFF_POST),
    "staff_members": ("get", STAFF),
    "staff_page_changes": ("get", STAFF),
    "staff_page_change_decide": ("post", STAFF_POST),
    "staff_presences": ("get", STAFF),
    "presence_flag": ("post", STAFF_POST),
}


def test_matrix_covers_every_groups_url():
    from groups.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(MATRIX)


# For each POST: the roles whose attempt changes the state. Every other role leaves it as it was,
# whatever the status (a refusal redirects with a message, like a success).
EFFECTS: dict[str, set[str]] = {
    "join": {"alumnus", "committee", "other_committee"},  # alumni; staff are not alumni
    "consent": {"alumnus"},
    "leave": {"alumnus"},
    "request_message": {"committee"},
    "presence_confirm": {"committee"},
    "staff_request_action": {"staff"},
    "committee_appoint": {"staff"},
    "committee_end": {"staff"},
    "presence_flag": {"staff"},
    "staff_page_change_decide": {"staff"},
}


def test_effects_cover_every_post():
    assert set(EFFECTS) == {name for name, (method, _) in MATRIX.items() if method == "post"}


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(world: World, name: str):
    method, expected = MATRIX[name]
    url = world.urls[name]
    got: Expected = {}
    changed: set[str] = set()
    for role in ROLES:
        client = _client_for(world.users[role])
        before = world.state[name]() if method == "post" else None
        response = client.post(url, world.post_data) if method == "post" else client.get(url)
        status: int | str = response.status_code
        if status == 302 and "/accounts/login/" in response["Location"]:
            status = LOGIN
        got[role] = status
        if method == "post" and world.state[name]() != before:
            changed.add(role)
    assert got == expected
    if method == "post":
        assert changed == EFFECTS[name]


def test_post_only_endpoints_refuse_get(world: World):
    assert (
        _client_for(world.users["staff"]).get(world.urls["staff_request_action"]).status_code == 405
    )
    assert (
        _client_for(world.users["committee"]).get(world.urls["request_message"]).status_code == 405
    )


ACCESS_CASES = ("group", "committee", "request", "plan", "seat", "presence", "membership")


@pytest.mark.parametrize("entity", ACCESS_CASES)
def test_access_functions_answer_missing_and_forbidden_alike(world: World, entity: str):
    """A stranger gets the same Http404 for an object that exists as for one that does not."""
    from django.http import Http404

    from groups import selectors

    stranger = world.users["other_committee"]
    assert stranger is not None
    group = AlumniGroup.objects.get(slug="kenya")
    existing: dict[str, Callable[[object], object]] = {
        "group": lambda key: selectors.access_group_or_404(stranger, str(key)),
        "committee": lambda key: selectors.access_committee_or_404(stranger, str(key)),
        "request": lambda key: selectors.access_request_or_404(stranger, int(str(key))),
        "plan": lambda key: selectors.access_plan_or_404(stranger, int(str(key))),
        "seat": lambda key: selectors.access_seat_or_404(stranger, int(str(key))),
        "presence": lambda key: selectors.access_presence_or_404(stranger, int(str(key))),
        "membership": lambda key: selectors.access_membership_or_404(stranger, int(str(key))),
    }
    forbidden: dict[str, object] = {
        # Kenya is public, so its closed twin stands for a group the stranger may not see.
        "group": AlumniGroup.objects.create(
            name="Closed", slug="closed", kind="regional", status=AlumniGroup.Status.CLOSED
        ).slug,
        "committee": group.slug,
        "request": GroupRequest.objects.filter(group=group).values_list("pk", flat=True)[0],
        "plan": AnnualPlan.objects.get(group=group).pk,
        "seat": CommitteeMembership.objects.filter(group=group).values_list("pk", flat=True)[0],
        "presence": OutsidePresence.objects.get(group=group).pk,
        "membership": Membership.objects.filter(group=group).values_list("pk", flat=True)[0],
    }
    missing: object = "no-such-group" if entity in ("group", "committee") else 999_999_999
    errors = []
    for key in (forbidden[entity], missing):
        with pytest.raises(Http404) as raised:
            existing[entity](key)
        errors.append(str(raised.value))
    assert errors[0] == errors[1]

"""URL x role access matrix for every mentoring URL.

Convention: anonymous -> sign-in redirect (302); a role page without the role -> 403; an object
the user is not entitled to -> 404. Concern reports are 404 to everyone but scheme admins,
signed in or not, including the person who reported them; the reporter has a status page of
their own concern (``my_concern``), 404 to everyone else, scheme admins included.

A POST's status says little (a refused action and a done one both redirect), so every POST row
also names what it changes in the database and for which roles; the test checks that it changed
for exactly those roles and stayed the same for everyone else.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Concern, MatchConstraint, MatchRun, MentorApplication, Partnership
from mentoring.services.concerns import concern_follow_up, concern_report
from mentoring.services.matching import match_constraint_set, match_run_confirm, match_run_create
from mentoring.tests.factories import (
    make_mentee,
    make_mentor,
    make_programme,
)
from portal.models import OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "mentor", "mentee", "other_mentee", "scheme_admin")


@dataclass
class World:
    users: dict[str, Any]
    ids: dict[str, int]


@pytest.fixture
def world() -> World:
    today = timezone.localdate()
    programme = make_programme(
        starts_on=today - datetime.timedelta(days=100), ends_on=today + datetime.timedelta(days=20)
    )
    other = make_programme()
    admin = make_user(Role.SCHEME_ADMIN)
    mentor_app = make_mentor(programme=programme)
    mentee_app = make_mentee(programme=programme)
    spare = make_mentee(programme=programme)
    other_app = make_mentee(programme=other)
    run = match_run_create(actor=admin, programme_id=programme.pk)
    (partnership,) = match_run_confirm(actor=admin, match_run_id=run.pk)
    constraint = match_constraint_set(
        actor=admin,
        programme_id=programme.pk,
        mentee_application_id=spare.pk,
        mentor_application_id=mentor_app.pk,
        kind=MatchConstraint.Kind.FORBID,
    )
    concern = concern_report(actor=mentee_app.user, text="A worry", partnership_id=partnership.pk)
    # A proposal waiting for confirmation: a late mentor for the spare mentee.
    make_mentor(programme=programme)
    proposed = match_run_create(actor=admin, programme_id=programme.pk)
    # A programme that has ended, with one application still to be thanked on wrap-up.
    ended = make_programme(
        starts_on=today - datetime.timedelta(days=200), ends_on=today - datetime.timedelta(days=1)
    )
    make_mentee(programme=ended)
    return World(
        users={
            "anonymous": None,
            "mentor": mentor_app.user,
            "mentee": mentee_app.user,
            "other_mentee": other_app.user,
            "scheme_admin": admin,
        },
        ids={
            "programme": programme.pk,
            "mentor_app": mentor_app.pk,
            "mentee_app": mentee_app.pk,
            "partnership": partnership.pk,
            "run": run.pk,
            "constraint": constraint.pk,
            "concern": concern.pk,
            "proposed_run": proposed.pk,
            "ended_programme": ended.pk,
            "spare": spare.pk,
        },
    )


L, F, N = 302, 403, 404  # sign-in redirect, forbidden, not found
ADMIN = (L, F, F, F, 200)
ADMIN_POST = (L, F, F, F, 302)
PARTNERS = (L, 200, 200, N, N)
EVERYONE = (L, 200, 200, 200, 200)

# (url name, argument keys, method, expected status per role in ROLES order)
MATRIX: list[tuple[str, tuple[str, ...], str, tuple[int, ...]]] = [
    ("home", (), "get", EVERYONE),
    ("programme", ("programme",), "get", EVERYONE),
    # Someone who already applied on that side is sent to their application (302).
    ("apply_mentor", ("programme",), "get", (L, 302, F, F, F)),
    ("apply_mentee", ("programme",), "get", (L, F, 302, 200, F)),
    ("mentor_application", ("mentor_app",), "get", (L, 200, N, N, 200)),
    ("mentee_application", ("mentee_app",), "get", (L, N, 200, N, 200)),
    ("partnership", ("partnership",), "get", PARTNERS),
    ("partner_vcard", ("partnership",), "get", PARTNERS),
    ("meeting_log", ("partnership",), "get", PARTNERS),
    ("email_frequency", ("partnership",), "get", PARTNERS),
    ("unavailability_add", ("partnership",), "get", (L, 200, N, N, N)),
    ("withdraw", ("partnership",), "get", (L, N, 200, N, N)),
    ("survey", ("partnership", "mid"), "get", PARTNERS),
    ("concern_new", (), "get", EVERYONE),
    ("concern_submitted", (), "get", EVERYONE),
    ("my_concerns", (), "get", EVERYONE),
    ("my_concern", ("concern",), "get", (L, N, 200, N, N)),
    ("admin_programmes", (), "get", ADMIN),
    ("programme_create", (), "get", ADMIN),
    ("admin_programme", ("programme",), "get", ADMIN),
    ("programme_edit", ("programme",), "get", ADMIN),
    ("partnerships_csv", ("programme",), "get", ADMIN),
    ("survey_results", ("programme",), "get", ADMIN),
    ("match_run", ("run",), "get", ADMIN),
    ("concerns", (), "get", (N, N, N, N, 200)),
    ("concern", ("concern",), "get", (N, N, N, N, 200)),
]

Ids = dict[str, int]


@dataclass(frozen=True)
class Post:
    """A POST, the database value it may change, and the roles for which it must change it."""

    name: str
    keys: tuple[str, ...]
    expected: tuple[int, ...]  # status per role in ROLES order
    effect: Callable[[Ids], object]
    changes_for: frozenset[str]
    data: Callable[[Ids], dict[str, Any]] = lambda ids: {}


def _yesterday() -> str:
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


ADMIN_ONLY = frozenset({"scheme_admin"})
BOTH_PARTNERS = frozenset({"mentor", "mentee"})
# In this order, each POST leaves the state the later ones need (withdrawal last).
POSTS: list[Post] = [
    Post(
        "match_run_confirm",
        ("proposed_run",),
        ADMIN_POST,
        lambda ids: MatchRun.objects.get(pk=ids["proposed_run"]).status,
        ADMIN_ONLY,
    ),
    Post(
        "match_run_create",
        ("programme",),
        ADMIN_POST,
        lambda ids: MatchRun.objects.filter(programme_id=ids["programme"]).count(),
        ADMIN_ONLY,
    ),
    Post(
        "match_constraint_add",
        ("run",),
        ADMIN_POST,
        lambda ids: MatchConstraint.objects.get(pk=ids["constraint"]).kind,
        ADMIN_ONLY,
        lambda ids: {
            "mentee_application": ids["spare"],
            "mentor_application": ids["mentor_app"],
            "kind": MatchConstraint.Kind.PIN,
        },
    ),
    Post(
        "match_constraint_delete",
        ("constraint",),
        ADMIN_POST,
        lambda ids: MatchConstraint.objects.filter(pk=ids["constraint"]).exists(),
        ADMIN_ONLY,
    ),
    Post(
        "programme_wrap_up",
        ("ended_programme",),
        ADMIN_POST,
        lambda ids: OutboundEmail.objects.filter(category="mentoring.future_invitation").count(),
        ADMIN_ONLY,
    ),
    Post(
        "concern_new",
        (),
        (L, 302, 302, 302, 302),
        lambda ids: Concern.objects.count(),
        frozenset({"mentor", "mentee", "other_mentee", "scheme_admin"}),
        lambda ids: {"partnership": "", "text": "Who do I ask about the next meeting?"},
    ),
    Post(  # the owner may ask, but a matched application is not withdrawn: 302, no change
        "mentor_application",
        ("mentor_app",),
        (L, 302, N, N, N),
        lambda ids: MentorApplication.objects.get(pk=ids["mentor_app"]).status,
        frozenset(),
    ),
    Post(
        "meeting_log",
        ("partnership",),
        (L, 302, 302, N, N),
        lambda ids: Partnership.objects.get(pk=ids["partnership"]).meetings.count(),
        BOTH_PARTNERS,
        lambda ids: {"held_on": _yesterday(), "mode": "video"},
    ),
    Post(
        "email_frequency",
        ("partnership",),
        (L, 302, 302, N, N),
        lambda ids: Partnership.objects.get(pk=ids["partnership"]).email_frequency,
        BOTH_PARTNERS,
        lambda ids: {"email_frequency": "Every week"},
    ),
    Post(
        "unavailability_add",
        ("partnership",),
        (L, 302, N, N, N),
        lambda ids: Partnership.objects.get(pk=ids["partnership"]).unavailabilities.count(),
        frozenset({"mentor"}),
        lambda ids: {
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + datetime.timedelta(days=45)).isoformat(),
        },
    ),
    Post(
        "withdraw",
        ("partnership",),
        (L, N, 302, N, N),
        lambda ids: Partnership.objects.get(pk=ids["partnership"]).status,
        frozenset({"mentee"}),
        lambda ids: {"reason": "", "confirm": "on"},
    ),
]


def test_matrix_names_every_mentoring_url() -> None:
    from mentoring.urls import urlpatterns

    assert {p.name for p in urlpatterns} == {row[0] for row in MATRIX} | {p.name for p in POSTS}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client: Client, world: World, role: str) -> None:
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    wrong = []
    for name, keys, method, expected in MATRIX:
        args = [world.ids.get(k, k) for k in keys]
        url = reverse(f"mentoring:{name}", args=args)
        response = getattr(client, method)(url)
        want = expected[ROLES.index(role)]
        if response.status_code != want:
            wrong.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
        if want == L and role == "anonymous":
            assert "/accounts/login/" in response["Location"], url
        elif want == 302 and name.startswith("apply_"):
            side = name.removeprefix("apply_")
            own = reverse(f"mentoring:{side}_application", args=[world.ids[f"{side}_app"]])
            assert response["Location"] == own, url
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix_checks_the_effect(client: Client, world: World, role: str) -> None:
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    wrong = []
    for post in POSTS:
        url = reverse(f"mentoring:{post.name}", args=[world.ids[k] for k in post.keys])
        before = post.effect(world.ids)
        response = client.post(url, post.data(world.ids))
        after = post.effect(world.ids)
        want = post.expected[ROLES.index(role)]
        if response.status_code != want:
            wrong.append(f"POST {url}: {response.status_code}, expected {want}")
        if (before != after) != (role in post.changes_for):
            done = "changed" if before != after else "left unchanged"
            wrong.append(f"POST {url}: {done} {before!r} -> {after!r}")
    assert not wrong, "\n".join(wrong)


def test_reporter_sees_only_the_status_of_their_own_concern(client: Client, world: World) -> None:
    concern_follow_up(
        actor=world.users["scheme_admin"],
        concern_id=world.ids["concern"],
        note="Admin-only note",
        status=Concern.Status.IN_FOLLOW_UP,
    )
    client.force_login(world.users["mentee"])
    response = client.get(reverse("mentoring:concern", args=[world.ids["concern"]]))
    assert response.status_code == 404
    assert b"A worry" not in response.content
    own = client.get(reverse("mentoring:my_concern", args=[world.ids["concern"]])).text
    assert "Being followed up" in own
    assert "A worry" not in own and "Admin-only note" not in own
    for role in ("mentor", "other_mentee", "scheme_admin"):
        client.force_login(world.users[role])
        listing = client.get(reverse("mentoring:my_concerns")).text
        assert reverse("mentoring:my_concern", args=[world.ids["concern"]]) not in listing


def test_admin_get_on_post_only_urls_is_refused(client: Client, world: World) -> None:
    client.force_login(world.users["scheme_admin"])
    url = reverse("mentoring:match_run_confirm", args=[world.ids["run"]])
    assert client.get(url).status_code == 405

"""Every alumni URL for every role: anonymous, a pending graduate, a verified alumnus, a
committee member, engagement staff and comms staff. Role pages answer 403 to other roles; each
POST is also checked for its effect: it changes the state for exactly the roles that may act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alumni.models import AlumniRecord, Verification
from alumni.tests.factories import HEADER, make_pending, make_record, verification_of
from groups.tests.factories import make_committee, make_group
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

ROLES = ("anonymous", "pending", "verified", "committee", "staff", "comms")
LOGIN = "login"
Expected = dict[str, int | str]


@dataclass
class World:
    users: dict[str, User | None]
    urls: dict[str, str]
    post_data: dict[str, Callable[[], dict[str, object]]] = field(default_factory=dict)
    state: dict[str, Callable[[], object]] = field(default_factory=dict)


@pytest.fixture
def world(db: None) -> World:
    pending = make_pending()
    record = make_record()
    verification = verification_of(pending)

    def state_of_pending() -> object:
        v = Verification.objects.get(pk=verification.pk)
        return (v.status, v.programme, v.graduation_year)

    csv = f"{HEADER}\nR-NEW,Kim,Park,,,1990,MSc Law,2011,\n".encode()
    details: dict[str, object] = {
        "given_names": "Someone",
        "family_name": "Else",
        "graduation_year": "2011",
        "programme": "MSc Law",
        "birth_year": "1989",
    }
    return World(
        users={
            "anonymous": None,
            "pending": pending,
            "verified": make_user(Role.ALUMNUS),
            "committee": make_committee(make_group()),
            "staff": make_user(Role.ENGAGEMENT_STAFF),
            "comms": make_user(Role.COMMS_STAFF),
        },
        urls={
            "verification": reverse("alumni:verification"),
            "queue": reverse("alumni:queue"),
            "bulk_decide": reverse("alumni:bulk_decide"),
            "verification_detail": reverse("alumni:verification_detail", args=[verification.pk]),
            "records": reverse("alumni:records"),
            "records_import": reverse("alumni:records_import"),
            "record": reverse("alumni:record", args=[record.pk]),
        },
        post_data={
            "verification": lambda: details,
            "bulk_decide": lambda: {
                "ids": [verification.pk],
                "action": "reject",
                "note": "Not a graduate.",
            },
            "verification_detail": lambda: {"action": "evidence", "evidence": "Certificate"},
            "records_import": lambda: {"file": SimpleUploadedFile("r.csv", csv, "text/csv")},
        },
        state={
            "verification": state_of_pending,
            "bulk_decide": state_of_pending,
            "verification_detail": state_of_pending,
            "records_import": lambda: AlumniRecord.objects.count(),
        },
    )


GRADUATES = {"pending": 200, "verified": 200, "committee": 200, "staff": 403, "comms": 403}
STAFF = {"pending": 403, "verified": 403, "committee": 403, "staff": 200, "comms": 403}
STAFF_POST = {"pending": 403, "verified": 403, "committee": 403, "staff": 302, "comms": 403}

# name -> (method, {role: status})
MATRIX: dict[str, tuple[str, Expected]] = {
    "verification": ("get", {"anonymous": LOGIN, **GRADUATES}),
    "queue": ("get", {"anonymous": LOGIN, **STAFF}),
    "verification_detail": ("get", {"anonymous": LOGIN, **STAFF}),
    "records": ("get", {"anonymous": LOGIN, **STAFF}),
    "record": ("get", {"anonymous": LOGIN, **STAFF}),
    "records_import": ("get", {"anonymous": LOGIN, **STAFF}),
}
POSTS: dict[str, tuple[Expected, set[str]]] = {
    # The pending graduate's details are sent again: a redirect back to their page.
    "verification": ({"anonymous": LOGIN, **GRADUATES, "pending": 302}, {"pending"}),
    "bulk_decide": ({"anonymous": LOGIN, **STAFF_POST}, {"staff"}),
    "verification_detail": ({"anonymous": LOGIN, **STAFF_POST}, {"staff"}),
    "records_import": ({"anonymous": LOGIN, **STAFF_POST}, {"staff"}),
}


def test_matrix_covers_every_alumni_url() -> None:
    from alumni.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    assert names == set(MATRIX) | set(POSTS)


def _client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _status(response: object) -> int | str:
    status: int | str = response.status_code  # type: ignore[attr-defined]
    if status == 302 and "/accounts/login/" in response["Location"]:  # type: ignore[index]
        return LOGIN
    return status


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get_access(world: World, name: str) -> None:
    got = {role: _status(_client_for(world.users[role]).get(world.urls[name])) for role in ROLES}
    assert got == MATRIX[name][1]


@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_access_and_effect(world: World, name: str) -> None:
    expected, effects = POSTS[name]
    got: Expected = {}
    changed = set()
    for role in ROLES:
        before = world.state[name]()
        response = _client_for(world.users[role]).post(world.urls[name], world.post_data[name]())
        got[role] = _status(response)
        if world.state[name]() != before:
            changed.add(role)
    assert got == expected
    assert changed == effects


def test_access_functions_answer_missing_and_forbidden_alike(world: World) -> None:
    from django.http import Http404

    from alumni.selectors import access_record_or_404, access_verification_or_404

    stranger = world.users["verified"]
    assert stranger is not None
    existing = Verification.objects.first()
    assert existing is not None
    for lookup in (access_verification_or_404, access_record_or_404):
        for key in (existing.pk, 10**9):
            with pytest.raises(Http404):
                lookup(stranger, key)

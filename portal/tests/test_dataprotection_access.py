"""URL x role access matrix for My data and Data protection.

Convention: anonymous -> sign-in redirect (302); the DPO pages without the role -> 403; a
person who does not exist -> 404. Every POST row names its effect (the person erased) and the
test checks it happened for exactly the roles listed and for nobody else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import AuditEvent, User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "self", "other_staff", "dpo")


@pytest.fixture
def users() -> dict[str, Any]:
    return {
        "anonymous": None,
        "self": make_user(Role.ALUMNUS, email="the.person@example.org"),
        "other_staff": make_user(Role.ENGAGEMENT_STAFF),
        "dpo": make_user(Role.DATA_PROTECTION_OFFICER),
    }


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# (url name, uses the person's id, expected status per role)
GETS: list[tuple[str, bool, dict[str, int]]] = [
    ("portal:my_data", False, {"anonymous": 302, "self": 200, "other_staff": 200, "dpo": 200}),
    ("portal:my_data_json", False, {"anonymous": 302, "self": 200, "other_staff": 200, "dpo": 200}),
    ("portal:my_data_html", False, {"anonymous": 302, "self": 200, "other_staff": 200, "dpo": 200}),
    ("portal:dpo_home", False, {"anonymous": 302, "self": 403, "other_staff": 403, "dpo": 200}),
    (
        "portal:dpo_retention",
        False,
        {"anonymous": 302, "self": 403, "other_staff": 403, "dpo": 200},
    ),
    ("portal:dpo_person", True, {"anonymous": 302, "self": 403, "other_staff": 403, "dpo": 200}),
    (
        "portal:dpo_person_json",
        True,
        {"anonymous": 302, "self": 403, "other_staff": 403, "dpo": 200},
    ),
    (
        "portal:dpo_person_html",
        True,
        {"anonymous": 302, "self": 403, "other_staff": 403, "dpo": 200},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "with_id", "expected"), GETS)
def test_get_matrix(
    users: dict[str, Any], role: str, name: str, with_id: bool, expected: dict[str, int]
) -> None:
    person = users["self"]
    url = reverse(name, args=[person.pk]) if with_id else reverse(name)
    assert _client(users[role]).get(url).status_code == expected[role]


@pytest.mark.parametrize("name", ["portal:dpo_person", "portal:dpo_person_json"])
def test_a_missing_person_is_404_for_the_dpo(users: dict[str, Any], name: str) -> None:
    assert _client(users["dpo"]).get(reverse(name, args=[999999])).status_code == 404


def test_dpo_export_is_audited_with_the_dpo_as_actor(users: dict[str, Any]) -> None:
    person = users["self"]
    _client(users["dpo"]).get(reverse("portal:dpo_person_json", args=[person.pk]))
    event = AuditEvent.objects.get(action="portal.personal_data.exported")
    assert event.actor == users["dpo"] and event.target_id == str(person.pk)


def _erased(person: User) -> bool:
    person.refresh_from_db()
    return person.email.endswith("@erased.invalid")


POSTS: list[tuple[str, Callable[[dict[str, Any]], list[Any]], set[str]]] = [
    ("portal:dpo_person_erase", lambda u: [u["self"].pk], {"dpo"}),
    ("portal:my_data_erase", lambda u: [], {"self"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "args", "erases_for"), POSTS)
def test_post_matrix(
    users: dict[str, Any],
    role: str,
    name: str,
    args: Callable[[dict[str, Any]], list[Any]],
    erases_for: set[str],
) -> None:
    """Only the DPO erases someone else; only the person erases themselves (my_data_erase
    erases whoever is signed in, so for other roles it is checked on the person, untouched)."""
    response = _client(users[role]).post(reverse(name, args=args(users)), {"confirm": "on"})
    assert response.status_code in (302, 403)
    assert _erased(users["self"]) == (role in erases_for)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dpo_erasure_of_a_missing_person_is_404(users: dict[str, Any]) -> None:
    response = _client(users["dpo"]).post(
        reverse("portal:dpo_person_erase", args=[999999]), {"confirm": "on"}
    )
    assert response.status_code == 404


def test_dpo_erasure_without_confirmation_changes_nothing(users: dict[str, Any]) -> None:
    person = users["self"]
    response = _client(users["dpo"]).post(reverse("portal:dpo_person_erase", args=[person.pk]))
    assert response.status_code == 400
    assert not _erased(person)


def test_dpo_search_finds_by_email(users: dict[str, Any]) -> None:
    page = _client(users["dpo"]).get(reverse("portal:dpo_home"), {"q": "the.person@"})
    assert page.status_code == 200
    assert reverse("portal:dpo_person", args=[users["self"].pk]).encode() in page.content


def test_the_dpo_role_is_granted_through_people_services(users: dict[str, Any]) -> None:
    from portal.people import role_grant

    admin = make_user(Role.PORTAL_ADMINISTRATOR)
    person = users["other_staff"]
    assert role_grant(actor=admin, user_id=person.pk, role=Role.DATA_PROTECTION_OFFICER)
    assert _client(person).get(reverse("portal:dpo_home")).status_code == 200

"""Roles and two-factor state come from the shared cache: at most two queries of per-request
overhead (session and user), and every change of them is seen by the next request."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import portal.urls
from portal.models import DirectorDelegation, User
from portal.permissions import grant_role, revoke_role, roles_of
from portal.roles import Role
from portal.tests.factories import make_user
from portal.twofactor import has_totp

pytestmark = pytest.mark.django_db

BASELINE = "/bench/baseline/"
# Session and user; roles and two-factor state from the cache; the view's own query.
BASELINE_QUERIES = 3


@pytest.fixture
def mounted() -> Iterator[None]:
    with override_settings(PORTAL_BENCH_BASELINE=True):
        importlib.reload(portal.urls)
        clear_url_caches()
        yield
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.mark.parametrize("role", [Role.ALUMNUS, Role.ENGAGEMENT_STAFF, Role.COMMS_STAFF])
def test_per_request_overhead_is_session_and_user(
    mounted: None, client: Client, django_assert_num_queries: Any, role: Role
) -> None:
    client.force_login(make_user(role))
    assert client.get(BASELINE).status_code == 200  # fills the cache
    with django_assert_num_queries(BASELINE_QUERIES):
        assert client.get(BASELINE).status_code == 200


def fresh(user: User) -> User:
    """The user as the next request loads it (nothing remembered on the object)."""
    return User.objects.get(pk=user.pk)


def test_a_role_granted_or_revoked_is_seen_by_the_next_request(client: Client) -> None:
    user = make_user(Role.ALUMNUS)
    assert roles_of(fresh(user)) == {Role.ALUMNUS}
    grant_role(user, Role.STUDENT)
    assert roles_of(fresh(user)) == {Role.ALUMNUS, Role.STUDENT}
    revoke_role(user, Role.ALUMNUS)
    assert roles_of(fresh(user)) == {Role.STUDENT}


def test_groups_changed_by_any_path_are_seen(client: Client) -> None:
    user = make_user(Role.ALUMNUS)
    assert roles_of(fresh(user)) == {Role.ALUMNUS}
    staff = Group.objects.get_or_create(name=Role.STAFF.value)[0]
    staff.user_set.add(user)  # the reverse side, as the admin's group page does
    assert roles_of(fresh(user)) == {Role.ALUMNUS, Role.STAFF}
    fresh(user).groups.clear()
    assert roles_of(fresh(user)) == frozenset()
    user.groups.add(staff)
    assert roles_of(fresh(user)) == {Role.STAFF}
    staff.user_set.clear()
    assert roles_of(fresh(user)) == frozenset()


def test_a_revoked_role_closes_its_pages_at_once(client: Client) -> None:
    admin = make_user(Role.SCHEME_ADMIN)
    client.force_login(admin)
    url = reverse("mentoring:admin_programmes")
    assert client.get(url).status_code == 200
    revoke_role(admin, Role.SCHEME_ADMIN)
    assert client.get(url).status_code == 403


def test_a_removed_authenticator_sends_staff_to_enrolment(client: Client) -> None:
    staff = make_user(Role.ENGAGEMENT_STAFF)
    client.force_login(staff)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert has_totp(fresh(staff))
    Authenticator.objects.filter(user=staff).delete()
    assert not has_totp(fresh(staff))
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_a_delegation_starts_and_lapses_by_its_dates(client: Client) -> None:
    director = make_user(Role.MARCOMMS_DIRECTOR)
    delegate = make_user(Role.STAFF)
    today = timezone.localdate()
    assert Role.MARCOMMS_DIRECTOR not in roles_of(fresh(delegate))
    delegation = DirectorDelegation.objects.create(
        director=director, delegate=delegate, starts_on=today, ends_on=today
    )
    assert Role.MARCOMMS_DIRECTOR in roles_of(fresh(delegate))
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        assert Role.MARCOMMS_DIRECTOR not in roles_of(fresh(delegate))
    delegation.ended_at = timezone.now()
    delegation.save(update_fields=["ended_at"])
    assert Role.MARCOMMS_DIRECTOR not in roles_of(fresh(delegate))

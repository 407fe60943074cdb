"""Whether someone administers an account (they may moderate) is shared through the cache and
forgotten as soon as one of their assignments changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from moderation.permissions import can_moderate_any_channel
from moderation.tests.factories import end_channel_admin, make_channel, make_channel_admin
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_the_answer_comes_from_the_cache_until_an_assignment_changes(
    django_assert_num_queries: Any,
) -> None:
    staff, channel = make_user(Role.STAFF), make_channel()
    assert not can_moderate_any_channel(fresh(staff))
    person = fresh(staff)
    with django_assert_num_queries(0):
        assert not can_moderate_any_channel(person)
    make_channel_admin(staff, channel)
    assert can_moderate_any_channel(fresh(staff))
    end_channel_admin(staff, channel)
    assert not can_moderate_any_channel(fresh(staff))


def test_a_revoked_admin_loses_the_queue_at_once(client: Client) -> None:
    staff, channel = make_user(Role.STAFF), make_channel()
    make_channel_admin(staff, channel)
    client.force_login(staff)
    assert client.get(reverse("moderation:queue")).status_code == 200
    end_channel_admin(staff, channel)
    assert client.get(reverse("moderation:queue")).status_code in {403, 404}

"""The page benchmark's baseline view: mounted only by its setting, one query, signed in only."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches

import portal.urls
from portal.models import OrgUnit
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/bench/baseline/"


@pytest.fixture
def mounted() -> Iterator[None]:
    with override_settings(PORTAL_BENCH_BASELINE=True):
        importlib.reload(portal.urls)
        clear_url_caches()
        yield
    importlib.reload(portal.urls)
    clear_url_caches()


def test_not_mounted_without_the_setting(client: Client) -> None:
    client.force_login(make_user(Role.ALUMNUS))
    assert client.get(URL).status_code == 404


def test_needs_sign_in(mounted: None, client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_runs_one_query_of_its_own(mounted: None, client: Client) -> None:
    OrgUnit.objects.create(name="Bench unit", slug="bench-unit")
    client.force_login(make_user(Role.ALUMNUS))
    client.get(URL)  # the first request of a session also fills the roles into the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    assert b"Bench unit" in response.content
    own = [q["sql"] for q in captured.captured_queries if "portal_orgunit" in q["sql"]]
    assert len(own) == 1

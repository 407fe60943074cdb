"""Input that is not text (NUL, invalid UTF-8, lone surrogates) is a 400 or a form error on every
URL of the project, never a 500: a walk over the whole resolver, as anonymous and as each staff
role, plus the upload and JSON paths that do not go through form fields."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from accounts_registry.tests.factories import make_cast, submitted
from groups.models import OutsidePresence
from groups.services.groups import committee_appoint, membership_join
from groups.services.plans import plan_save
from groups.services.presences import presence_register
from groups.tests.factories import make_committee, make_group, make_request
from mentoring.tests.factories import pair
from moderation.defaults import ensure_default_categories
from moderation.models import Category, Incident, Item
from moderation.services.incidents import incident_report
from moderation.services.items import ItemData, item_create
from moderation.services.removals import removal_request_create
from moderation.services.tokens import token_create
from moderation.tests.factories import make_account_admin, make_channel
from portal.input_guard import refused_part
from portal.roles import STAFF_ROLES, Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

NUL_QUERY = "q=%00&page=%00&status=%00&channel=%00&state=%00&year=%00"
NUL_POST = {"q": "\x00", "page": "\x00", "status": "\x00", "title": "a\x00b", "text": "\x00"}
ODD_QUERY = "q=%3Cscript%3E%27&page=-1&status=bogus&channel=x&state=nope&sort=%27&year=abc"


@dataclass(frozen=True)
class Route:
    path: str
    name: str


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ""
            yield from _routes(
                entry.url_patterns,
                prefix + _template(entry.pattern),
                inner or entry.namespace or namespace,
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield Route(prefix + _template(entry.pattern), name)


def _template(pattern: Any) -> str:
    """The route as text with ``{kind:name}`` holes (path converters and regex groups alike)."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: f"{{{m[1] or 'str'}:{m[2]}}}", text)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: f"{{re:{m[1]}}}", text)
    return text.replace("^", "").replace("$", "").replace("\\", "")


@pytest.fixture
def world() -> dict[str, Any]:
    """One real object of each kind a URL names, so the walk reaches the views behind them."""
    ensure_default_categories()
    group = make_group(slug="kenya")
    committee = make_committee(group)
    staff = make_user(Role.ENGAGEMENT_STAFF)
    alumnus = make_user(Role.ALUMNUS)
    membership = membership_join(actor=alumnus, group_id=group.pk, consent=True)
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
    seat = committee_appoint(
        actor=staff, group_id=group.pk, user_id=make_user(Role.ALUMNUS).pk, role="member"
    )
    comms = make_user(Role.COMMS_STAFF)
    channel = make_channel()
    make_account_admin(channel)
    item, _ = item_create(actor=comms, channel_id=channel.pk, data=ItemData(text="A comment"))
    token, _plain = token_create(actor=comms, channel_id=channel.pk, name="Feed")
    incident = incident_report(
        actor=comms,
        kind=Incident.Kind.POLICY_BREACH,
        title="T",
        description="D",
        channel_id=channel.pk,
    )
    removal = removal_request_create(
        actor=comms,
        owner_name="Sam",
        owner_email="sam@example.com",
        content_description="A photo",
        reason="Personal data",
        deadline=timezone.now() + timedelta(days=3),
    )
    partnership = pair()
    return {
        "slug": "kenya",
        "year": "2026",
        "groups/memberships": membership.pk,
        "groups/requests": make_request(group, committee).pk,
        "groups/plans": plan.pk,
        "groups/presences": presence.pk,
        "groups/committee": seat.pk,
        "social/requests": submitted(make_cast()).pk,
        "social/accounts": channel.pk,
        "mentoring/programmes": partnership.programme_id,
        "mentoring/partnerships": partnership.pk,
        "moderation/items": item.pk,
        "moderation/channels": channel.pk,
        "moderation/tokens": token.pk,
        "moderation/categories": Category.objects.first().pk,  # type: ignore[union-attr]
        "moderation/incidents": incident.pk,
        "moderation/removals": removal.pk,
    }


def _fill(route: Route, world: dict[str, Any]) -> str:
    app = route.path.split("/", 1)[0]

    def value(match: re.Match[str]) -> str:
        kind, name = match[1], match[2]
        before = route.path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if kind == "int":
            if name == "year":
                return str(world["year"])
            return str(world.get(f"{app}/{before}", 1))
        if name == "slug":
            return str(world["slug"])
        return {"app_label": "portal", "stage": "midpoint", "url": "x"}.get(name, "x1")

    return "/" + re.sub(r"\{(\w+):(\w+)\}", value, route.path)


def _clients(world: dict[str, Any]) -> Iterator[tuple[str, Client]]:
    anonymous = Client(raise_request_exception=False)
    yield "anonymous", anonymous
    for role in sorted(STAFF_ROLES):
        client = Client(raise_request_exception=False)
        client.force_login(make_user(role))
        yield role.value, client
    superuser = Client(raise_request_exception=False)
    superuser.force_login(make_user(Role.STAFF, is_superuser=True, is_staff=True))
    yield "superuser", superuser


def test_every_url_answers_400_to_nul_in_query_and_form(world: dict[str, Any]) -> None:
    routes = list(_routes(get_resolver().url_patterns))
    assert len(routes) > 300  # the whole project, the admin and allauth included
    failures = []
    for who, client in _clients(world):
        for route in routes:
            path = _fill(route, world)
            get = client.get(f"{path}?{NUL_QUERY}")
            post = client.post(path, NUL_POST)
            for method, response in (("GET", get), ("POST", post)):
                if response.status_code != 400:
                    failures.append(f"{who} {method} {path}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_url_survives_odd_but_valid_input(world: dict[str, Any]) -> None:
    """The same walk with input that is text but nonsense: any answer but a 500."""
    routes = [
        route
        for route in _routes(get_resolver().url_patterns)
        if route.name not in {"account_logout", "admin:logout"}
    ]
    failures = []
    for who, client in _clients(world):
        for route in routes:
            path = _fill(route, world)
            response = client.get(f"{path}?{ODD_QUERY}")
            if response.status_code >= 500:
                failures.append(f"{who} GET {path}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=abc%00def",
        "%00=1",
        "q=%ff",
        "q=%C3",
        "q=%ED%A0%80",  # a UTF-16 surrogate, encoded as UTF-8: not valid text
        "q=%C0%AF",  # an overlong encoding of '/'
    ],
)
def test_anonymous_directory_search_with_invalid_text_is_400(client: Client, query: str) -> None:
    """The reported 500: anonymous ``GET /groups/?q=%00``."""
    client.raise_request_exception = False
    response = client.get(f"/groups/?{query}")
    assert response.status_code == 400
    assert b"Bad request" in response.content  # the project's 400 page


def test_valid_non_ascii_search_is_not_refused(client: Client) -> None:
    assert client.get("/groups/?q=K%C3%B8benhavn+%E2%80%93+caf%C3%A9").status_code == 200


def test_nul_in_path_and_cookie_is_400(client: Client) -> None:
    client.raise_request_exception = False
    assert client.get("/groups/unsubscribe/a%00b/").status_code == 400
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/groups/").status_code == 400


def test_json_client_gets_a_json_400(client: Client) -> None:
    response = client.get("/groups/?q=%00", headers={"accept": "application/json"})
    assert response.status_code == 400
    assert "null character" in response.json()["error"]


@pytest.fixture
def channel_and_admin() -> tuple[Any, Client]:
    ensure_default_categories()
    channel = make_channel()
    admin = make_account_admin(channel)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    return channel, client


def test_csv_with_nul_is_a_clear_form_error(channel_and_admin: tuple[Any, Client]) -> None:
    channel, client = channel_and_admin
    upload = SimpleUploadedFile(
        "items.csv", b"text,author_handle\nHello\x00there,sam\n", "text/csv"
    )
    response = client.post("/moderation/import/", {"channel": channel.pk, "file": upload})
    assert response.status_code == 200
    assert "null characters" in response.content.decode()
    assert not Item.objects.filter(channel=channel).exists()


def test_utf16_csv_is_a_clear_form_error(channel_and_admin: tuple[Any, Client]) -> None:
    channel, client = channel_and_admin
    content = "text\nHello\n".encode("utf-16-le")
    upload = SimpleUploadedFile("items.csv", content, "text/csv")
    response = client.post("/moderation/import/", {"channel": channel.pk, "file": upload})
    assert response.status_code == 200
    assert "null characters" in response.content.decode()


def test_multipart_field_with_nul_is_400(channel_and_admin: tuple[Any, Client]) -> None:
    channel, client = channel_and_admin
    upload = SimpleUploadedFile("items.csv", b"text\nHello\n", "text/csv")
    response = client.post("/moderation/import/", {"channel": f"{channel.pk}\x00", "file": upload})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"text": "Hello\u0000there"}),
        json.dumps({"text": "ok", "external_id": "\u0000"}),
        json.dumps([{"text": "ok", "author_handle": "\ud800"}]),
        '{"text": "ok", "link\\u0000": "x"}',
        '{"text": "raw \x00 nul"}',
        b'{"text": "\xff"}',
    ],
)
def test_moderation_json_endpoint_answers_a_json_400(body: str | bytes) -> None:
    ensure_default_categories()
    channel = make_channel()
    _token, plain = token_create(
        actor=make_user(Role.COMMS_STAFF), channel_id=channel.pk, name="Feed"
    )
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/moderation/api/channels/{channel.pk}/items",
        data=body,
        content_type="application/json",
        headers={"authorization": f"Bearer {plain}"},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert not Item.objects.filter(channel=channel).exists()


def test_refused_part_names_what_was_wrong(rf: Any) -> None:
    assert refused_part(rf.get("/x/", QUERY_STRING="q=ok")) == ""
    assert refused_part(rf.get("/x/?q=%00")) == "query string"
    assert refused_part(rf.post("/x/", {"a": "b\x00"})) == "form"
    request = rf.post("/x/", "a=%ff", content_type="application/x-www-form-urlencoded")
    assert refused_part(request) == "form"

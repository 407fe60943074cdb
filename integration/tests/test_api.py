"""The API's answers per token: 401 without or with a bad token, 403 without the scope, and
never more personal data than the scope grants; public endpoints need no token."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from groups.models import MembershipChange
from groups.services.groups import consent_withdraw, membership_leave
from groups.tests.factories import make_committee, make_group, make_member
from integration.models import Scope
from integration.services.clients import api_client_revoke
from portal.models import AuditEvent

from .factories import bearer, make_client

pytestmark = pytest.mark.django_db

SCOPED = {
    "/api/v1/changes/": Scope.CHANGES,
    "/api/v1/committees/": Scope.COMMITTEES,
    "/api/v1/accounts/": Scope.ACCOUNTS,
}
PUBLIC = ["/api/v1/groups/", "/api/v1/events/", "/api/v1/accounts/lookup/?platform=x&handle=a"]


@pytest.mark.parametrize("url", sorted(SCOPED))
def test_a_scoped_endpoint_without_a_token_is_401(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("url", sorted(SCOPED))
def test_a_token_without_the_scope_is_403_and_with_it_200(client: Client, url: str) -> None:
    others = [scope for scope in Scope.values if scope not in (SCOPED[url], Scope.PEOPLE)]
    _, without = make_client(*others)
    assert client.get(url, **bearer(without)).status_code == 403
    _, with_scope = make_client(SCOPED[url])
    assert client.get(url, **bearer(with_scope)).status_code == 200


def test_another_clients_revoked_token_is_401(client: Client) -> None:
    _mine, my_token = make_client(Scope.CHANGES)
    theirs, their_token = make_client(Scope.CHANGES)
    api_client_revoke(actor=None, client_id=theirs.pk)
    assert client.get("/api/v1/changes/", **bearer(their_token)).status_code == 401
    assert client.get("/api/v1/changes/", **bearer(my_token)).status_code == 200
    assert client.get("/api/v1/changes/", **bearer(my_token + "x")).status_code == 401
    assert client.get("/api/v1/changes/", HTTP_AUTHORIZATION="Basic abc").status_code == 401


@pytest.mark.parametrize("url", PUBLIC)
def test_public_endpoints_need_no_token(client: Client, url: str) -> None:
    assert client.get(url).status_code in (200, 400)
    assert client.get(url.replace("platform=x", "platform=instagram")).status_code == 200


def test_the_api_is_read_only(client: Client) -> None:
    _, token = make_client(Scope.CHANGES)
    for url in ["/api/v1/groups/", "/api/v1/changes/"]:
        assert client.post(url, {}, **bearer(token)).status_code == 405
        assert client.delete(url, **bearer(token)).status_code == 405


def test_the_changes_feed_gives_emails_only_with_the_people_scope(client: Client) -> None:
    group = make_group()
    member = make_member(group, consent=True, email="ngozi@example.com", first_name="Ngozi")
    _, ids_only = make_client(Scope.CHANGES)
    _, with_people = make_client(Scope.CHANGES, Scope.PEOPLE)

    body = client.get("/api/v1/changes/", **bearer(ids_only)).json()
    assert [c["kind"] for c in body["results"]] == ["joined", "consent_given"]
    person = body["results"][0]["person"]
    assert person == {"id": member.user_id, "email": None, "first_name": None, "last_name": None}
    assert "ngozi" not in str(body).lower()

    body = client.get("/api/v1/changes/", **bearer(with_people)).json()
    assert body["results"][0]["person"]["email"] == "ngozi@example.com"
    assert body["results"][0]["group"] == group.slug


def test_the_feed_pages_by_cursor_and_records_every_change(client: Client) -> None:
    group = make_group()
    members = [make_member(group, consent=True) for _ in range(3)]
    consent_withdraw(actor=members[0].user, membership_id=members[0].pk)
    membership_leave(actor=members[1].user, membership_id=members[1].pk)
    _, token = make_client(Scope.CHANGES)
    seen: list[str] = []
    cursor = 0
    while True:
        body = client.get(f"/api/v1/changes/?cursor={cursor}&limit=2", **bearer(token)).json()
        seen += [c["kind"] for c in body["results"]]
        assert body["next_cursor"] >= cursor
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert seen == ["joined", "consent_given"] * 3 + [
        "consent_withdrawn",
        "consent_withdrawn",
        "left",
    ]
    assert seen == list(MembershipChange.objects.order_by("pk").values_list("kind", flat=True))
    again = client.get(f"/api/v1/changes/?cursor={cursor}", **bearer(token)).json()
    assert again == {"results": [], "next_cursor": cursor, "has_more": False}


@pytest.mark.parametrize("query", ["cursor=-1", "cursor=abc", "limit=0", "limit=501"])
def test_a_bad_cursor_is_a_clear_400(client: Client, query: str) -> None:
    _, token = make_client(Scope.CHANGES)
    response = client.get(f"/api/v1/changes/?{query}", **bearer(token))
    assert response.status_code == 400
    assert set(response.json()) <= {"cursor", "limit"}


def test_committees_give_names_and_roles_only(client: Client) -> None:
    group = make_group()
    make_committee(group, email="chair.person@example.com", first_name="Wanjiru", last_name="K")
    _, token = make_client(Scope.COMMITTEES)
    body = client.get("/api/v1/committees/", **bearer(token)).json()
    assert body["count"] == 1
    seat = body["results"][0]
    assert seat["name"] == "Wanjiru K" and seat["role"] == "chair" and seat["group"] == group.slug
    assert "chair.person" not in str(body)


def test_reads_of_personal_data_and_token_changes_are_audited(client: Client) -> None:
    make_member(make_group())
    api, token = make_client(Scope.CHANGES)
    assert AuditEvent.objects.filter(action="integration.client.created").count() == 1
    client.get("/api/v1/changes/", **bearer(token))
    read = AuditEvent.objects.get(action="integration.api.read")
    assert read.new == {"endpoint": "changes", "scope": "changes:read", "records": 2}
    client.get("/api/v1/groups/", **bearer(token))
    assert AuditEvent.objects.filter(action="integration.api.read").count() == 1
    api_client_revoke(actor=None, client_id=api.pk)
    api_client_revoke(actor=None, client_id=api.pk)
    assert AuditEvent.objects.filter(action="integration.client.revoked").count() == 1


def test_a_client_is_rate_limited_in_the_shared_cache(client: Client, settings) -> None:
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "api_client": "2/m"}
    _, token = make_client(Scope.CHANGES)
    statuses = [client.get("/api/v1/changes/", **bearer(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    _, other = make_client(Scope.CHANGES)
    assert client.get("/api/v1/changes/", **bearer(other)).status_code == 200


def test_public_endpoints_are_rate_limited_per_address(client: Client, settings) -> None:
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "api_public": "1/m"}
    assert client.get("/api/v1/groups/").status_code == 200
    response = client.get("/api/v1/events/")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_the_openapi_schema_validates(client: Client) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/changes/" in schema.json()["paths"]


def test_the_docs_page_loads_its_scripts_from_the_portal(client: Client) -> None:
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html.replace(" ", "") and "cdn" not in html.lower()


def test_the_moderation_import_endpoint_still_works(client: Client) -> None:
    from accounts_registry.tests.factories import active_account, make_cast
    from moderation.services.tokens import token_create
    from portal.roles import Role
    from portal.tests.factories import make_user

    channel = active_account(make_cast())
    _, plain = token_create(actor=make_user(Role.COMMS_STAFF), channel_id=channel.pk, name="tool")
    response = client.post(
        f"/moderation/api/channels/{channel.pk}/items",
        data=[{"text": "Hello from the tool", "external_id": "x1"}],
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert response.status_code == 201, response.content

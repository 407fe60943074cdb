"""The JSON import endpoint and CSV parsing: tokens, bad input, double import."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts_registry.models import OfficialAccount
from moderation.imports import ImportRowsError, parse_csv
from moderation.models import ChannelToken, Item
from moderation.services.tokens import token_create, token_revoke
from portal.models import AuditEvent, User


def post(
    client: Client,
    channel: OfficialAccount,
    body: object,
    token: str | None,
    raw: bytes | None = None,
):
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(
        reverse("moderation:api_items", kwargs={"pk": channel.pk}),
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def token(channel: OfficialAccount, channel_admin: User) -> tuple[ChannelToken, str]:
    return token_create(actor=channel_admin, channel_id=channel.pk, name="monitoring tool")


def test_token_is_stored_hashed_with_a_prefix(token: tuple[ChannelToken, str]) -> None:
    row, plain = token
    assert plain.startswith("mod_") and len(plain) > 40
    assert row.token_hash == ChannelToken.hash(plain) and plain not in row.token_hash
    assert plain.startswith(row.prefix)


def test_good_token_imports_and_twice_is_once(
    client: Client, channel: OfficialAccount, token
) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    items = [
        {
            "text": "Buy now! limited time offer",
            "external_id": "t1",
            "author_handle": "@shop",
            "kind": "post",
        },
        {"text": "Lovely", "external_id": "t2", "posted_at": "2026-11-20T10:00:00Z"},
    ]
    response = post(csrf_client, channel, {"items": items}, token[1])
    assert response.status_code == 201
    assert response.json()["created"] == 2 and response.json()["already_present"] == 0
    again = post(csrf_client, channel, items, token[1])
    assert again.status_code == 200
    assert again.json() == {"created": 0, "already_present": 2, "ids": []}
    item = Item.objects.get(external_id="t1")
    assert item.source == Item.Source.API and item.author_handle == "shop" and item.kind == "post"
    assert item.suggestions.filter(category__code="advertising").exists()
    events = AuditEvent.objects.filter(action="moderation.items.imported")
    assert [e.new["token"] for e in events] == [token[0].prefix] * 2
    token[0].refresh_from_db()
    assert token[0].last_used_at is not None


def test_single_object_body(client: Client, channel: OfficialAccount, token) -> None:
    assert post(client, channel, {"text": "hello"}, token[1]).status_code == 201


def test_revoked_token_is_refused(
    client: Client, channel: OfficialAccount, channel_admin: User, token
) -> None:
    token_revoke(actor=channel_admin, token_id=token[0].pk)
    response = post(client, channel, {"text": "hello"}, token[1])
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Item.objects.exists()


@pytest.mark.parametrize("bad", ["mod_wrong", "", None])
def test_wrong_or_missing_token_is_refused(
    client: Client, channel: OfficialAccount, token, bad
) -> None:
    assert post(client, channel, {"text": "hello"}, bad).status_code == 401
    assert not Item.objects.exists()


def test_token_of_another_channel_is_refused(
    client: Client, other_channel: OfficialAccount, token
) -> None:
    assert post(client, other_channel, {"text": "hello"}, token[1]).status_code == 401


def test_bad_json_is_a_clear_400(client: Client, channel: OfficialAccount, token) -> None:
    response = post(client, channel, None, token[1], raw=b"{not json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]


def test_invalid_items_save_nothing(client: Client, channel: OfficialAccount, token) -> None:
    body = [
        {"text": "fine"},
        {"text": ""},
        {"text": "x", "posted_at": "yesterday"},
        {"text": "y", "colour": "red"},
        5,
    ]
    response = post(client, channel, body, token[1])
    assert response.status_code == 400
    details = response.json()["details"]
    assert any("Item 3: unknown field(s) colour" in d for d in details)
    assert any(d.startswith("Item 4:") for d in details)
    assert not Item.objects.exists()
    assert post(client, channel, [], token[1]).status_code == 400


def test_get_is_not_allowed(client: Client, channel: OfficialAccount) -> None:
    assert client.get(reverse("moderation:api_items", kwargs={"pk": channel.pk})).status_code == 405


def test_csv_parsing_reports_every_bad_row() -> None:
    content = (
        b"text,author_handle,link,posted_at,external_id,kind\n"
        b"Fine text,@a,https://x.com/1,2026-11-20T09:00,1,comment\n"
        b",b,,,2,post\n"
        b"Bad link,c,notaurl,,3,post\n"
        b"Bad date,d,,31/02/2026,4,comment\n"
        b"Bad kind,e,,,5,story\n"
    )
    with pytest.raises(ImportRowsError) as exc:
        parse_csv(content)
    errors = exc.value.errors
    assert [e.split(":")[0] for e in errors] == ["Row 3", "Row 4", "Row 5", "Row 6"]
    assert "text is empty" in errors[0] and "not a web address" in errors[1]
    assert "ISO 8601" in errors[2] and "'post' or 'comment'" in errors[3]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"author,link\nx,y\n", "including 'text'"),
        (b"text,colour\nx,y\n", "Unknown column"),
        (b"text\n", "no rows"),
        ("text\ncaf\xe9\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_csv_file_level_errors(content: bytes, message: str) -> None:
    with pytest.raises(ImportRowsError, match=message):
        parse_csv(content)


def test_csv_with_bom_and_dates() -> None:
    rows = parse_csv("\ufefftext,posted_at\nhello,2026-11-20\n".encode())
    assert rows[0].posted_at is not None
    assert rows[0].text == "hello" and rows[0].posted_at.isoformat().startswith(
        "2026-11-20T00:00:00"
    )

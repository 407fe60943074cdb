"""The monitoring clients' JSON endpoint: hashed, revocable, audited tokens; rate limited."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts_registry.errors import RegistryError
from accounts_registry.models import DiscoveredAccount, MonitoringToken
from accounts_registry.services.discovered import discovered_triage
from accounts_registry.services.monitoring_tokens import (
    monitoring_token_create,
    monitoring_token_revoke,
)
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("accounts_registry:api_discovered")
ROWS = {
    "accounts": [
        {"platform": "instagram", "handle": "@UniFanPage", "followers": 40},
        {"platform": "X", "handle": "fake_uni", "url": "https://x.com/fake_uni"},
    ]
}


def _post(token: str, body: object, address: str = "203.0.113.5") -> Any:
    return Client().post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        REMOTE_ADDR=address,
    )


def test_token_imports_and_reimport_keeps_decisions(cast) -> None:
    token, plain = monitoring_token_create(actor=cast.comms, name="Brandwatch")
    assert plain.startswith("mon_") and plain not in token.token_hash
    response = _post(plain, ROWS)
    assert response.status_code == 201
    assert response.json() == {"created": 2, "updated": 0, "to_triage": 2}
    found = DiscoveredAccount.objects.get(handle="fake_uni")
    assert found.source == DiscoveredAccount.Source.API
    discovered_triage(actor=cast.comms, discovered_id=found.pk, decision="unrelated", reason="x")
    again = _post(plain, ROWS)
    assert again.status_code == 200
    assert again.json() == {"created": 0, "updated": 2, "to_triage": 1}
    found.refresh_from_db()
    assert found.decision == "unrelated"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert (
        AuditEvent.objects.for_object(token)
        .filter(action="accounts_registry.monitoring_token.used")
        .count()
        == 2
    )


def test_wrong_missing_or_revoked_tokens_are_refused(cast) -> None:
    token, plain = monitoring_token_create(actor=cast.comms, name="Tool")
    assert _post("mon_wrong", ROWS).status_code == 401
    response = Client().post(URL, data="{}", content_type="application/json")
    assert response.status_code == 401 and "Bearer" in response["WWW-Authenticate"]
    monitoring_token_revoke(actor=cast.comms, token_id=token.pk)
    monitoring_token_revoke(actor=cast.comms, token_id=token.pk)
    assert _post(plain, ROWS).status_code == 401
    assert not DiscoveredAccount.objects.exists()
    revoked = AuditEvent.objects.for_object(token).filter(
        action="accounts_registry.monitoring_token.revoked"
    )
    assert revoked.count() == 1


def test_invalid_rows_save_nothing(cast) -> None:
    _token, plain = monitoring_token_create(actor=cast.comms, name="Tool")
    bad = {"accounts": [{"platform": "instagram", "handle": "ok"}, {"platform": "myspace"}]}
    response = _post(plain, bad)
    assert response.status_code == 400
    assert len(response.json()["details"]) == 2
    assert _post(plain, {"accounts": "x"}).status_code == 400
    assert not DiscoveredAccount.objects.exists()


def test_only_comms_manage_tokens(cast) -> None:
    with pytest.raises(RegistryError):
        monitoring_token_create(actor=cast.admin1, name="Mine")
    token, _plain = monitoring_token_create(actor=cast.comms, name="Tool")
    with pytest.raises(RegistryError):
        monitoring_token_revoke(actor=cast.director, token_id=token.pk)
    assert MonitoringToken.objects.get().is_active


def test_the_endpoint_is_rate_limited(cast, settings) -> None:
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "monitoring_api": "2/m"}
    address = f"203.0.113.{random.randint(100, 250)}"
    statuses = [_post("mon_wrong", ROWS, address).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert "error" in _post("mon_wrong", ROWS, address).json()


def test_comms_create_and_revoke_on_the_page(client, cast) -> None:
    client.force_login(cast.comms)
    page = client.post(reverse("accounts_registry:monitoring_tokens"), {"name": "Meltwater"})
    body = page.content.decode()
    assert "shown once" in body
    token = MonitoringToken.objects.get()
    assert token.name == "Meltwater" and token.prefix in body
    client.post(reverse("accounts_registry:monitoring_token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert not token.is_active

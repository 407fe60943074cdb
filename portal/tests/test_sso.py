"""SSO configuration from the environment: nothing enabled when unset."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from portal.settings import oidc_apps


def test_no_provider_when_the_environment_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORTAL_OIDC_PROVIDERS", "PORTAL_OIDC_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    assert oidc_apps() == []


def test_one_provider_from_its_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_OIDC_PROVIDERS", raising=False)
    monkeypatch.setenv("PORTAL_OIDC_SERVER_URL", "https://login.example.ac.uk/tenant/v2.0")
    monkeypatch.setenv("PORTAL_OIDC_CLIENT_ID", "portal")
    monkeypatch.setenv("PORTAL_OIDC_SECRET", "s3cret")
    assert oidc_apps() == [
        {
            "provider_id": "university",
            "name": "University sign-in",
            "client_id": "portal",
            "secret": "s3cret",
            "settings": {"server_url": "https://login.example.ac.uk/tenant/v2.0"},
        }
    ]


def test_several_providers_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    providers = [
        {"id": "entra", "name": "Staff", "server_url": "https://a.example", "client_id": "1"},
        {"id": "google", "server_url": "https://b.example", "client_id": "2", "secret": "x"},
    ]
    monkeypatch.setenv("PORTAL_OIDC_PROVIDERS", json.dumps(providers))
    apps = oidc_apps()
    assert [app["provider_id"] for app in apps] == ["entra", "google"]
    assert apps[1]["name"] == "google" and apps[0]["secret"] == ""


@pytest.mark.django_db
def test_the_sign_in_page_offers_no_sso_when_none_is_configured(client: Client, settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "/accounts/oidc/" not in response.content.decode()

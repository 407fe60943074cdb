"""The API clients page and ``manage.py api_client``: who may do what, and what each POST did."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from integration.models import ApiClient, Scope
from portal.models import AuditEvent
from portal.roles import Role
from portal.tests.factories import make_user

from .factories import make_client

pytestmark = pytest.mark.django_db

URL = "/integration/clients/"


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.PORTAL_ADMINISTRATOR, 200), (Role.COMMS_STAFF, 403), (Role.ALUMNUS, 403)],
)
def test_only_portal_administrators_see_the_page(client: Client, role: Role, status: int) -> None:
    client.force_login(make_user(role))
    assert client.get(URL).status_code == status
    assert client.post(URL, {"name": "CRM", "scopes": [Scope.CHANGES]}).status_code == status
    assert ApiClient.objects.filter(name="CRM").exists() == (status == 200)


def test_an_administrator_creates_a_client_and_sees_the_token_once(client: Client) -> None:
    client.force_login(make_user(Role.PORTAL_ADMINISTRATOR))
    response = client.post(URL, {"name": "Alumni CRM", "scopes": [Scope.CHANGES, Scope.PEOPLE]})
    token = response.context["plain"]
    assert token.startswith("crm_") and token in response.content.decode()
    api = ApiClient.objects.get(name="Alumni CRM")
    assert api.token_hash == ApiClient.hash(token) and token not in str(api.__dict__)
    assert token not in client.get(URL).content.decode()
    assert client.get("/api/v1/changes/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_bad_input_is_refused_on_its_field(client: Client) -> None:
    client.force_login(make_user(Role.PORTAL_ADMINISTRATOR))
    response = client.post(URL, {"name": "CRM", "scopes": [Scope.PEOPLE]})
    assert "add that scope too" in response.context["form"].errors["scopes"][0]
    response = client.post(URL, {"name": "CRM", "scopes": ["everything"]})
    assert response.context["form"].errors["scopes"]
    make_client(name="Taken")
    response = client.post(URL, {"name": "taken"})
    assert "already exists" in response.context["form"].errors["name"][0]
    assert ApiClient.objects.count() == 1


def test_revoking_from_the_page_and_a_strangers_404(client: Client) -> None:
    api, token = make_client(Scope.CHANGES)
    client.force_login(make_user(Role.ALUMNUS))
    assert client.post(f"{URL}{api.pk}/revoke/").status_code == 404
    client.force_login(make_user(Role.PORTAL_ADMINISTRATOR))
    assert client.post(f"{URL}999999/revoke/").status_code == 404
    assert client.post(f"{URL}{api.pk}/revoke/").status_code == 302
    api.refresh_from_db()
    assert api.revoked_at is not None
    assert AuditEvent.objects.filter(action="integration.client.revoked").count() == 1
    assert client.get("/api/v1/changes/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_the_command_creates_lists_and_revokes() -> None:
    out = io.StringIO()
    call_command("api_client", "create", "Alumni CRM", "--scope", "changes:read", stdout=out)
    token = out.getvalue().strip().rsplit(" ", 1)[1]
    api = ApiClient.objects.get(token_hash=ApiClient.hash(token))
    assert api.scopes == ["changes:read"]
    out = io.StringIO()
    call_command("api_client", "list", stdout=out)
    assert "Alumni CRM" in out.getvalue() and "active" in out.getvalue()
    call_command("api_client", "revoke", str(api.pk), stdout=io.StringIO())
    api.refresh_from_db()
    assert api.revoked_at is not None
    with pytest.raises(CommandError, match="does not exist"):
        call_command("api_client", "revoke", "999999")

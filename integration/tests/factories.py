"""API clients made through the service, as an operator at the command line would."""

from __future__ import annotations

from typing import Any

from integration.models import ApiClient
from integration.services.clients import api_client_create

_counter = [0]


def make_client(*scopes: str, name: str = "") -> tuple[ApiClient, str]:
    """A client with ``scopes`` and its plain token."""
    _counter[0] += 1
    return api_client_create(actor=None, name=name or f"CRM {_counter[0]}", scopes=scopes)


def bearer(token: str) -> dict[str, Any]:
    """Extra WSGI environ for the test client (``client.get(url, **bearer(token))``)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

"""The JSON endpoint of monitoring clients: ``POST /social/api/discovered/`` with a token.

The body is ``{"accounts": [{"platform", "handle", "url", "display_name", "followers",
"first_seen"}, ...]}`` (or the list itself); every row is checked before anything is saved.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts_registry.models import DiscoveredAccount
from accounts_registry.services.discovered import (
    ImportRowsError,
    discovered_import,
    discovered_rows_parse,
)
from accounts_registry.services.monitoring_tokens import monitoring_token_authenticate
from portal.audit import audit_record
from portal.ratelimit import rate_limited


def _api_error(status: int, message: str, details: list[str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="monitoring"'
    return response


@csrf_exempt  # machine-to-machine: authenticated by the bearer token, never by a cookie
@require_POST
@rate_limited("monitoring_api", as_json=True)
def api_discovered(request: HttpRequest) -> JsonResponse:
    scheme, _, plain = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        return _api_error(401, "Send the client's token as 'Authorization: Bearer <token>'.")
    token = monitoring_token_authenticate(plain=plain.strip())
    if token is None:
        return _api_error(401, "The token is wrong or revoked.")
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _api_error(400, f"The request body is not valid JSON: {exc}.")
    rows = payload.get("accounts") if isinstance(payload, dict) else payload
    if not isinstance(rows, list):
        return _api_error(400, 'Send {"accounts": [...]} or a list of accounts.')
    try:
        result = discovered_import(
            actor=None, rows=discovered_rows_parse(rows), source=DiscoveredAccount.Source.API
        )
    except ImportRowsError as exc:
        return _api_error(400, "Some accounts are invalid; nothing was saved.", exc.errors)
    audit_record(
        actor=None,
        action="accounts_registry.monitoring_token.used",
        target=token,
        new={"created": result.created, "updated": result.updated},
    )
    return JsonResponse(
        {"created": result.created, "updated": result.updated, "to_triage": result.to_triage},
        status=201 if result.created else 200,
    )

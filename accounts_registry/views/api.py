"""The JSON endpoints: monitoring clients' ``POST /social/api/discovered/`` with a token, and
the staff search of the request form's administrators picker (``GET /social/people/search/``).

The monitoring endpoint:

The body is ``{"accounts": [{"platform", "handle", "url", "display_name", "followers",
"first_seen"}, ...]}`` (or the list itself); every row is checked before anything is saved.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts_registry.models import DiscoveredAccount
from accounts_registry.permissions import STAFF_PAGE_ROLES
from accounts_registry.selectors import SEARCH_LIMIT, SEARCH_MIN_CHARS, staff_search
from accounts_registry.services.discovered import (
    ImportRowsError,
    discovered_import,
    discovered_rows_parse,
)
from accounts_registry.services.monitoring_tokens import monitoring_token_authenticate
from portal.audit import audit_record
from portal.permissions import role_required
from portal.ratelimit import hit, rate_limited, too_many_requests


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


@role_required(*STAFF_PAGE_ROLES)
@require_GET
def people_search(request: HttpRequest) -> HttpResponse:
    """Members of staff matching ``q`` (name or address, at least two characters), at most
    twenty, for the administrators picker of the request form. Staff only, and limited per
    person (``PORTAL_RATE_LIMITS["people_search"]``): colleagues behind one address do not
    share a budget."""
    allowed, retry_after = hit(
        action="people_search",
        key=f"user:{request.user.pk}",
        limit=settings.PORTAL_RATE_LIMITS["people_search"],
    )
    if not allowed:
        return too_many_requests(request, retry_after=retry_after, as_json=True)
    query = request.GET.get("q", "")[:100]
    if len(" ".join(query.split())) < SEARCH_MIN_CHARS:
        return JsonResponse(
            {"results": [], "message": f"Type at least {SEARCH_MIN_CHARS} characters."}
        )
    people = staff_search(query)
    results = [
        {"id": person.pk, "name": person.display_name, "email": person.email} for person in people
    ]
    message = f"{len(results)} match{'es' if len(results) != 1 else ''}"
    if len(results) == SEARCH_LIMIT:
        message += "; type more of the name to narrow the list"
    response = JsonResponse({"results": results, "message": message + "."})
    # The same words typed again within a minute are answered by the browser, not the server.
    response["Cache-Control"] = "private, max-age=60"
    return response

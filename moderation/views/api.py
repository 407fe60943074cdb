"""The JSON endpoint: ``POST /moderation/api/channels/<id>/items`` with a channel's token."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from moderation.imports import ImportRowsError, parse_payload
from moderation.models import Item
from moderation.services.items import items_import
from moderation.services.tokens import token_authenticate
from portal.ratelimit import rate_limited


def _api_error(status: int, message: str, details: list[str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="moderation"'
    return response


@csrf_exempt  # machine-to-machine: authenticated by the bearer token, never by a cookie
@require_POST
@rate_limited("moderation_api", as_json=True)
def api_items(request: HttpRequest, pk: int) -> JsonResponse:
    """``POST /moderation/api/channels/<id>/items`` with ``Authorization: Bearer <token>``."""
    header = request.headers.get("Authorization", "")
    scheme, _, plain = header.partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        return _api_error(401, "Send the channel's token as 'Authorization: Bearer <token>'.")
    token = token_authenticate(channel_id=pk, plain=plain.strip())
    if token is None:
        return _api_error(401, "The token is wrong, revoked, or not for this channel.")
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _api_error(400, f"The request body is not valid JSON: {exc}.")
    try:
        rows = parse_payload(payload)
    except ImportRowsError as exc:
        return _api_error(400, "Some items are invalid; nothing was saved.", exc.errors)
    result = items_import(
        actor=None,
        channel_id=token.channel_id,
        rows=rows,
        source=Item.Source.API,
        token_id=token.pk,
    )
    return JsonResponse(
        {
            "created": len(result.created),
            "already_present": result.already_present,
            "ids": result.created,
        },
        status=201 if result.created else 200,
    )

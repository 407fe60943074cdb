"""How the API authenticates a client, checks its scope and limits its rate.

A client sends ``Authorization: Bearer <token>``. No token on a scoped endpoint is 401, a wrong
or revoked token is 401 everywhere, a token without the endpoint's scope is 403. Limits are
counted in the shared cache (``portal.ratelimit``): per client for tokens, per address for the
public endpoints, so they hold across every worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from integration.models import ApiClient
from integration.selectors import client_by_token
from portal.ratelimit import client_address, hit

if TYPE_CHECKING:
    from rest_framework.views import APIView


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``: the request's ``auth`` is the ``ApiClient``."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiClient] | None:
        header = get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, plain = header.partition(" ")
        if scheme.lower() != "bearer" or not plain.strip():
            raise AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        client = client_by_token(plain.strip())
        if client is None or not client.is_active:
            raise AuthenticationFailed("The token is wrong or has been revoked.")
        return AnonymousUser(), client

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class HasScope(BasePermission):
    """The view's ``required_scope`` must be among the client's scopes."""

    message = "This token does not have the scope this endpoint needs."

    def has_permission(self, request: Request, view: APIView) -> bool:
        scope: str | None = getattr(view, "required_scope", None)
        if scope is None:
            return True
        client = request.auth
        # No client: DRF answers 401 (not 403), since an authenticator could have been used.
        return isinstance(client, ApiClient) and client.has_scope(scope)


class PortalRateThrottle(BaseThrottle):
    """``PORTAL_RATE_LIMITS['api_client']`` per client, ``['api_public']`` per address."""

    def __init__(self) -> None:
        self.retry_after = 0

    def allow_request(self, request: Request, view: APIView) -> bool:
        client = request.auth
        if isinstance(client, ApiClient):
            action, key = "api_client", f"client:{client.pk}"
        else:
            action, key = "api_public", client_address(request)
        allowed, self.retry_after = hit(
            action=action, key=key, limit=settings.PORTAL_RATE_LIMITS[action]
        )
        return allowed

    def wait(self) -> float:
        return float(self.retry_after)


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]  # untyped base
    """The token's description in the OpenAPI schema."""

    target_class = "integration.auth.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A client token (crm_...)."}

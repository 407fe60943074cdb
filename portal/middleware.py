"""Request ids for logs and audit events; session limits; two-factor for staff; headers."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    """Tag each request with an id (the proxy's X-Request-ID if well formed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


# Paths a staff member may reach before completing two-factor: sign-in, enrolment, assets, health.
_MFA_EXEMPT = ("/accounts/", "/static/", "/healthz", "/favicon.ico")

# Session keys the portal keeps beside allauth's records.
SESSION_AUTH_AT = "portal_auth_at"
SESSION_SEEN_AT = "portal_seen_at"
# Recording the last activity rewrites the session row; once a minute is precise enough.
_SEEN_RESOLUTION = 60


def session_started(request: HttpRequest) -> None:
    """Stamp a new signed-in session with its start (``user_logged_in`` calls this)."""
    now = int(time.time())
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now


def _idle_limit(request: HttpRequest) -> int:
    from portal.permissions import is_staff_member

    if is_staff_member(request.user):
        return int(settings.PORTAL_STAFF_IDLE_SECONDS)
    return int(settings.PORTAL_IDLE_SECONDS)


class SessionLifetimeMiddleware:
    """End a signed-in session after its absolute lifetime or after too long idle.

    Staff roles have the short idle limit (``PORTAL_STAFF_IDLE_SECONDS``, 30 minutes by
    default); everyone has the absolute limit (``PORTAL_SESSION_ABSOLUTE_SECONDS``, 12 hours).
    A session with no start stamp (made before these limits existed) is ended too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_AUTH_AT)
            seen = request.session.get(SESSION_SEEN_AT)
            if (
                not isinstance(started, int)
                or not isinstance(seen, int)
                or now - started > settings.PORTAL_SESSION_ABSOLUTE_SECONDS
                or now - seen > _idle_limit(request)
            ):
                return _end_session(
                    request, "Your session has ended for your security. Please sign in again."
                )
            if now - seen >= _SEEN_RESOLUTION:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


def _end_session(request: HttpRequest, message: str) -> HttpResponse:
    from django.contrib.auth import logout
    from django.contrib.auth.views import redirect_to_login

    logout(request)
    messages.info(request, message)
    if request.method == "GET":
        return redirect_to_login(request.get_full_path())
    return redirect_to_login("/")


def second_factor_done(request: HttpRequest) -> bool:
    """True if *this session* completed a second factor for the signed-in user."""
    from allauth.account.authentication import get_authentication_records

    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


class StaffTwoFactorMiddleware:
    """Staff (every staff role, Django staff and superusers) must use two-factor in this session.

    Without an authenticator they are sent to enrolment; with one, a session that was made with
    a password alone (any path that skipped the second step) is ended and they sign in again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal.permissions import is_staff_member
        from portal.twofactor import has_totp

        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT)
            and is_staff_member(user)
        ):
            if not has_totp(user):
                messages.warning(
                    request,
                    "Staff accounts must set up two-factor authentication before using the portal.",
                )
                return redirect("mfa_activate_totp")
            if not second_factor_done(request):
                return _end_session(
                    request, "Staff accounts sign in with their two-factor code. Please sign in."
                )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy``: the portal uses no camera, microphone, location, ..."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

"""Session bookkeeping at sign-in and at two-factor enrolment."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.middleware import session_started


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_started(request)


def on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    """Enrolling proves the second factor (a valid code was entered): record it for this session.

    The session key is rotated, as at every change of what a session may do.
    """
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if authenticator.type != Authenticator.Type.TOTP:
        return
    request.session.cycle_key()
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)

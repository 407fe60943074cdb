"""TOTP helpers over allauth's MFA models."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from portal.access_cache import access_of, forget, forget_on_object, remember
from portal.models import User

_CACHE = "_portal_has_totp"


def has_totp(user: User) -> bool:
    """Whether ``user`` has a TOTP authenticator (shared cache, else one query)."""
    cached: bool | None = getattr(user, _CACHE, None)
    if cached is None:
        cached = access_of(user).totp
        if cached is None:
            cached = bool(
                Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
            )
            remember(user, totp=cached)
        setattr(user, _CACHE, cached)
    return cached


def totp_enrol(user: User, secret: str) -> None:
    """Give ``user`` a TOTP authenticator with ``secret`` (base32), replacing any other."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
    forget_on_object(user)
    forget(user.pk)


def totp_current_code(secret: str) -> str:
    """The code an authenticator app would show now for ``secret`` (for tests and the demo)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return str(format_hotp_value(hotp_value(secret, counter)))

"""Rate limits for the portal's own public endpoints, counted in the shared cache.

Sign-in limits are allauth's (with the portal's address rule in ``portal.adapters``); these are
for the pages anyone may call without signing in: the official-account lookup, unsubscribe links
and the moderation API. Counts are per client address in fixed windows, so they hold across
every gunicorn worker that shares the cache.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

View = Callable[..., HttpResponse]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_limit(limit: str) -> tuple[int, int]:
    """``"60/m"`` or ``"20/15m"`` -> (60, 60) or (20, 900): a count and a period in seconds."""
    count, _, period = limit.partition("/")
    unit = period[-1:] or "m"
    multiple = int(period[:-1] or 1)
    return int(count), multiple * _UNITS[unit]


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it (honouring ``PORTAL_TRUSTED_PROXY_COUNT``)."""
    from allauth.core.internal.httpkit import get_client_ip

    try:
        return str(get_client_ip(request) or "unknown")
    except ImproperlyConfigured:  # a forged X-Forwarded-For shorter than the proxy count
        return str(request.META.get("REMOTE_ADDR", "unknown"))


def hit(*, action: str, key: str, limit: str) -> tuple[bool, int]:
    """Count one hit of ``action`` for ``key``; (allowed, seconds until the window ends)."""
    count, period = parse_limit(limit)
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{action}:{digest}:{window}"
    retry_after = period - int(time.time() % period)
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr, or the cache is down: let it through
        return True, retry_after
    return used <= count, retry_after


def too_many_requests(request: HttpRequest, *, retry_after: int, as_json: bool) -> HttpResponse:
    message = "Too many requests from your address. Please wait a minute and try again."
    response: HttpResponse
    if as_json:
        response = JsonResponse({"error": message}, status=429)
    else:
        response = HttpResponse(
            render_to_string("429.html", {"message": message}, request=request), status=429
        )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(action: str, *, as_json: bool = False) -> Callable[[View], View]:
    """View decorator: at most ``settings.PORTAL_RATE_LIMITS[action]`` calls per address."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            allowed, retry_after = hit(
                action=action,
                key=client_address(request),
                limit=settings.PORTAL_RATE_LIMITS[action],
            )
            if not allowed:
                return too_many_requests(request, retry_after=retry_after, as_json=as_json)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

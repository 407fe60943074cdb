"""allauth adapter: outgoing allauth mail goes through the portal's outbox; the address rule."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

_IP_FAILED = "login_ip_accounts"
SITE_NAME = "Alumni portal"


@dataclass(frozen=True)
class PortalSite:
    """What allauth's templates read as ``current_site``: the portal's name and public host.

    Without ``django.contrib.sites`` allauth falls back to a nameless site, and its mail opens
    "Hello from !"; every message names the portal instead.
    """

    name: str
    domain: str


def portal_site() -> PortalSite:
    name = f"{SITE_NAME} of {settings.INSTITUTION_NAME}"
    return PortalSite(name=name, domain=urlsplit(settings.PORTAL_BASE_URL).netloc)


def _ip_lock_key(request: HttpRequest) -> str:
    from portal.ratelimit import client_address

    return f"{_IP_FAILED}:{client_address(request)}"


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Sign-in limits: allauth counts failures per account; this adds the address rule.

    The address rule counts the distinct accounts that failed to sign in from one client address
    (``PORTAL_LOGIN_IP_ACCOUNTS_LIMIT``). One person mistyping their own password, however often,
    only ever locks their own account for a few minutes; someone trying many accounts from one
    address locks that address for everyone until the window ends.
    """

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The account alone (allauth adds the request's host and port): a portal reached under
        two host names, or two ports, must not give an attacker twice the attempts."""
        return str(credentials.get("email", credentials.get("username", ""))).lower()

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        from django.core.cache import cache

        from portal.ratelimit import parse_limit

        limit, period = parse_limit(settings.PORTAL_LOGIN_IP_ACCOUNTS_LIMIT)
        since = time.time() - period
        failed = cache.get(_ip_lock_key(request)) or {}
        if sum(1 for at in failed.values() if at > since) >= limit:
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """Add this account to the address's set of failed accounts (a sliding window)."""
        from allauth.core.internal.ratelimit import cache_lock
        from django.core.cache import cache

        from portal.ratelimit import parse_limit

        _limit, period = parse_limit(settings.PORTAL_LOGIN_IP_ACCOUNTS_LIMIT)
        login = str(credentials.get("email", credentials.get("username", ""))).lower()
        account = hashlib.sha256(login.encode()).hexdigest()[:24]
        key = _ip_lock_key(request)
        now = time.time()
        with cache_lock(key):
            failed = cache.get(key) or {}
            failed = {acct: at for acct, at in failed.items() if at > now - period}
            failed[account] = now
            cache.set(key, failed, timeout=period)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's message and queue it in the outbox instead of sending inline."""
        from portal.mail import email_queue_rendered

        context = {"email": email, **context, "current_site": portal_site()}
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        subject = self.format_email_subject(subject)
        body_text = render_to_string(f"{template_prefix}_message.txt", context, self.request)
        body_html: str
        try:
            body_html = render_to_string(f"{template_prefix}_message.html", context, self.request)
        except TemplateDoesNotExist:
            body_html = ""
        email_queue_rendered(
            to=email, subject=subject, body_text=body_text, body_html=body_html, category="account"
        )

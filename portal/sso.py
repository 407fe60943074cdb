"""University single sign-on (OpenID Connect or SAML 2.0, through allauth): provider-asserted MFA.

Staff still meet the two-factor rule when they sign in through SSO. If the provider says the
person used several factors, that counts as this session's second factor: for OpenID Connect
when the ID token's ``amr`` holds one of ``PORTAL_OIDC_MFA_AMR`` (``mfa`` by default, RFC 8176),
for SAML when the assertion's ``AuthnContextClassRef`` is one of the app's ``mfa_contexts``
(the REFEDS MFA profile by default). It is recorded exactly as the portal's own TOTP step is
(an allauth authentication record with method ``mfa``), so ``portal.middleware.second_factor_done``
holds. Otherwise allauth asks for the TOTP code as
after a password. SSO never grants a role: the roles are the linked account's, and new
accounts get Alumni or Students from the sign-up form, like any sign-up.
"""

from __future__ import annotations

from typing import Any

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from portal.saml_settings import AUTHN_CONTEXTS, REFEDS_MFA

# The user id whose SSO sign-in, in progress in this session, came with asserted MFA.
SESSION_SSO_MFA = "portal_sso_mfa_user"


def asserted_mfa(sociallogin: Any) -> list[str]:
    """What the provider asserted if it asserts multi-factor authentication, else []: the ``amr``
    values of an OpenID Connect ID token, or the authentication contexts of a SAML assertion."""
    extra_data = sociallogin.account.extra_data or {}
    provider: Any = getattr(sociallogin, "provider", None)
    if getattr(provider, "id", None) == "saml":
        return _saml_asserted_mfa(extra_data, provider.app.settings)
    id_token = extra_data.get("id_token") or {}
    amr = id_token.get("amr") or []
    if not isinstance(amr, list):
        return []
    values = [str(value) for value in amr]
    return values if set(values) & set(settings.PORTAL_OIDC_MFA_AMR) else []


def _saml_asserted_mfa(extra_data: dict[str, Any], app_settings: dict[str, Any]) -> list[str]:
    contexts = extra_data.get(AUTHN_CONTEXTS) or []
    if not isinstance(contexts, list):
        return []
    values = [str(value) for value in contexts]
    accepted = set(app_settings.get("mfa_contexts") or [REFEDS_MFA])
    return values if set(values) & accepted else []


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # untyped
    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """Note, for the sign-in stages that follow, whether the provider asserted MFA."""
        request.session.pop(SESSION_SSO_MFA, None)
        user = sociallogin.user
        if user is not None and user.pk and asserted_mfa(sociallogin):
            request.session[SESSION_SSO_MFA] = user.pk
        super().pre_social_login(request, sociallogin)


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # untyped
    def is_mfa_enabled(self, user: Any, types: Any = None) -> bool:
        """allauth's TOTP step is skipped only for the user whose SSO sign-in asserted MFA."""
        request = context.request
        session = getattr(request, "session", None)
        if session is not None and user.pk and session.get(SESSION_SSO_MFA) == user.pk:
            return False
        return bool(super().is_mfa_enabled(user, types))


def on_sso_logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Record the provider's MFA as this session's second factor (then forget the note)."""
    from allauth.account.internal.flows.login import record_authentication

    sociallogin = kwargs.get("sociallogin")
    noted = request.session.pop(SESSION_SSO_MFA, None)
    if sociallogin is None or noted != user.pk:
        return
    asserted = asserted_mfa(sociallogin)
    if asserted:
        # Named as each protocol names it: OpenID Connect's ``amr``, SAML's authentication context.
        kind = "authn_context" if sociallogin.provider.id == "saml" else "amr"
        record_authentication(
            request,
            user,
            "mfa",
            type="sso",
            provider=sociallogin.account.provider,
            **{kind: asserted},
        )

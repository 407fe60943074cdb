"""allauth's SAML provider as the portal takes it: the authentication context kept, and an
address counted as verified only in a domain the identity provider is trusted for.

SAML has no ``email_verified``: an identity provider asserts whatever ``mail`` its directory
holds. The university's provider is the authority for the university's own domains (its
``trusted_domains`` setting), so an address there is taken as verified and may link to the
portal account with that address; any other address is not, and its owner signs up or connects
from the account page. The ``AuthnContextClassRef`` values of the assertion are kept beside the
attributes, where ``portal.sso`` reads whether the provider checked a second factor.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.http import HttpRequest, HttpResponse

from portal.saml_settings import AUTHN_CONTEXTS

logger = logging.getLogger(__name__)


def address_is_trusted(email: object, trusted_domains: list[str]) -> bool:
    """Whether ``email`` is in one of ``trusted_domains`` exactly (subdomains are listed apart)."""
    if not isinstance(email, str) or email.count("@") != 1:
        return False
    local, domain = email.split("@")
    return bool(local) and domain.strip().lower() in trusted_domains


class PortalSAMLProvider(SAMLProvider):  # type: ignore[misc]  # allauth ships no types
    # allauth finds a provider's URLs and views in its package: they stay allauth's.
    package = "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data: Any) -> dict[str, Any]:
        extra = dict(super().extract_extra_data(data))
        extra[AUTHN_CONTEXTS] = [str(ref) for ref in data.get_last_authn_contexts() or []]
        return extra

    def extract_common_fields(self, data: Any) -> dict[str, Any]:
        fields: dict[str, Any] = dict(super().extract_common_fields(data))
        trusted = list(self.app.settings.get("trusted_email_domains") or [])
        fields["email_verified"] = address_is_trusted(fields.get("email"), trusted)
        return fields

    def redirect(
        self, request: HttpRequest, process: Any, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        """To the identity provider; if its metadata cannot be had, allauth's sign-in error page.

        python3-saml fetches the metadata here (then caches it) and reports an unreachable URL,
        a page that is not metadata or an unknown entity id with plain exceptions of several
        kinds: each is logged for the operators, and the person sees a page, not a server error.
        """
        try:
            response: HttpResponse = super().redirect(request, process, *args, **kwargs)
        except Exception as error:  # python3-saml raises bare Exception
            logger.exception("SAML sign-in with %s could not start", self.app.client_id)
            return render_authentication_error(request, self, exception=error)  # type: ignore[no-any-return]
        return response

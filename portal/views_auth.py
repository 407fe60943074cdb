"""Sign-in around allauth: the admin's sign-in is the portal's (one page, with its limits and
two-factor); a malformed SAML response ends on the sign-in error page, and the portal's SAML
metadata says so when the identity provider's cannot be read."""

from __future__ import annotations

import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from lxml.etree import XMLSyntaxError

logger = logging.getLogger(__name__)


def admin_login(request: HttpRequest) -> HttpResponse:
    """Replace Django's admin login form, which would make a session from a password alone."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    target = target or "/admin/"
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied("The administration site is for Django staff accounts.")
    return redirect(target)


def saml_finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's end of a SAML sign-in, where a response that is not XML is an error page.

    allauth turns a response that fails python3-saml's checks into its sign-in error page, but
    one that does not parse (anyone may post to the assertion consumer service) escapes as
    lxml's ``XMLSyntaxError``, or python3-saml's ``ValueError`` for a forbidden DTD.
    """
    from allauth.socialaccount.helpers import render_authentication_error
    from allauth.socialaccount.providers.saml.utils import get_app_or_404
    from allauth.socialaccount.providers.saml.views import finish_acs

    try:
        response: HttpResponse = finish_acs(request, organization_slug=organization_slug)
    except (XMLSyntaxError, ValueError) as error:
        logger.warning("SAML response for %s refused: %s", organization_slug, error)
        provider = get_app_or_404(request, organization_slug).get_provider(request)
        return render_authentication_error(request, provider, exception=error)  # type: ignore[no-any-return]
    return response


def saml_metadata(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's SAML metadata of the portal, or a 503 naming the cause instead of a 500.

    allauth builds the whole SAML configuration for it, so with ``PORTAL_SAML_IDP_METADATA_URL``
    it reads the identity provider's metadata first; python3-saml reports an unreachable URL, a
    page that is not metadata or another entity id with plain exceptions of several kinds.
    """
    from allauth.socialaccount.providers.saml.views import metadata

    try:
        response: HttpResponse = metadata(request, organization_slug=organization_slug)
    except Http404:
        raise
    except Exception:  # python3-saml raises bare Exception
        logger.exception(
            "SAML metadata for %s: the identity provider's is unreadable", organization_slug
        )
        message = "The identity provider's metadata cannot be read at the moment; try again later."
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    return response

"""University single sign-on by SAML 2.0: allauth's SAML apps built from the environment.

Read by ``settings.py`` (so the standard library only). Nothing is configured, and the sign-in
page offers no SAML button, until ``PORTAL_SAML_IDP_ENTITY_ID`` (or ``PORTAL_SAML_PROVIDERS``)
is set. What the portal makes of a SAML sign-in is in ``portal.saml_provider`` and
``portal.sso``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

# The SAML provider's own class is the portal's (``portal.saml_provider``): it keeps the
# assertion's authentication context and applies the trusted-domain rule to addresses.
PROVIDER_CLASS = "portal.saml_provider.PortalSAMLProvider"
# The key of ``SocialAccount.extra_data`` holding the assertion's ``AuthnContextClassRef`` values.
AUTHN_CONTEXTS = "AuthnContextClassRef"
# The REFEDS MFA profile: the identity provider checked a second factor.
REFEDS_MFA = "https://refeds.org/profile/mfa"

# Attribute names as the university's identity provider releases them (eduPerson and the OASIS
# subject identifiers in their URI form, then the Microsoft claim names Entra ID and ADFS use).
# The first one present wins. Without a ``uid`` attribute the NameID is the identifier.
DEFAULT_ATTRIBUTES: dict[str, list[str]] = {
    "uid": [
        "urn:oasis:names:tc:SAML:attribute:subject-id",
        "urn:oasis:names:tc:SAML:attribute:pairwise-id",
        "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",  # eduPersonPrincipalName
    ],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",  # mail
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",  # givenName
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",  # sn
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ],
}


class SAMLSettingsError(ValueError):
    """The SAML environment is incomplete or contradictory (the portal refuses to start)."""


def _items(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    raise SAMLSettingsError(f"expected a comma-separated list, not {value!r}")


def _text(entry: Mapping[str, object], key: str) -> str:
    """A value given inline (``key``) or as a file (``key_file``), stripped; "" when neither."""
    inline = str(entry.get(key) or "").strip()
    path = str(entry.get(f"{key}_file") or "").strip()
    if inline and path:
        raise SAMLSettingsError(f"give {key} or {key}_file, not both")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise SAMLSettingsError(f"{key}_file {path}: {error.strerror}") from error
    return inline


def _entry_from_variables(environ: Mapping[str, str]) -> dict[str, object]:
    """The one identity provider of the ``PORTAL_SAML_*`` variables, keys in lower case."""
    prefix = "PORTAL_SAML_"
    entry: dict[str, object] = {
        name.removeprefix(prefix).lower(): value
        for name, value in environ.items()
        if name.startswith(prefix) and name != "PORTAL_SAML_PROVIDERS"
    }
    entry.setdefault("id", "university")
    entry.setdefault("name", "University sign-in")
    return entry


def _attribute_mapping(entry: Mapping[str, object]) -> dict[str, list[str]]:
    mapping = {}
    for key, default in DEFAULT_ATTRIBUTES.items():
        mapping[key] = _items(entry.get(f"attr_{key}")) or list(default)
    return mapping


def saml_app(entry: Mapping[str, object]) -> dict[str, object]:
    """One allauth SAML app (``SOCIALACCOUNT_PROVIDERS["saml"]["APPS"]``) from one entry."""
    slug = str(entry.get("id") or "").strip()
    entity_id = str(entry.get("idp_entity_id") or "").strip()
    if not slug or "/" in slug:
        raise SAMLSettingsError(f"SAML id {slug!r}: a non-empty name without '/' (it is in URLs)")
    if not entity_id:
        raise SAMLSettingsError(f"SAML {slug}: idp_entity_id is required")
    metadata_url = str(entry.get("idp_metadata_url") or "").strip()
    if metadata_url:
        idp: dict[str, object] = {"entity_id": entity_id, "metadata_url": metadata_url}
    else:
        sso_url = str(entry.get("idp_sso_url") or "").strip()
        cert = _text(entry, "idp_x509cert")
        if not sso_url or not cert:
            raise SAMLSettingsError(
                f"SAML {slug}: give idp_metadata_url, or idp_sso_url and idp_x509cert"
            )
        idp = {"entity_id": entity_id, "sso_url": sso_url, "x509cert": cert}
    # Shibboleth and Entra ID sign the assertion; one signed elsewhere in the response does
    # not protect the attributes, so an unsigned assertion is refused. Sign-ins the identity
    # provider starts by itself (no request of ours to answer) are refused too.
    advanced: dict[str, object] = {
        "want_assertion_signed": True,
        "reject_idp_initiated_sso": True,
    }
    key, cert = _text(entry, "sp_private_key"), _text(entry, "sp_x509cert")
    if bool(key) != bool(cert):
        raise SAMLSettingsError(f"SAML {slug}: sp_private_key and sp_x509cert go together")
    if key:
        # With a key pair the portal signs its requests and can receive encrypted assertions.
        advanced.update(private_key=key, x509cert=cert, authn_request_signed=True)
    settings: dict[str, object] = {
        "idp": idp,
        "attribute_mapping": _attribute_mapping(entry),
        "advanced": advanced,
        # The portal's rules (portal.saml_provider, portal.sso), not allauth's:
        "trusted_email_domains": [
            domain.lower() for domain in _items(entry.get("trusted_domains"))
        ],
        "mfa_contexts": _items(entry.get("mfa_contexts")) or [REFEDS_MFA],
    }
    sp_entity_id = str(entry.get("sp_entity_id") or "").strip()
    if sp_entity_id:
        settings["sp"] = {"entity_id": sp_entity_id}
    return {
        "provider_id": str(entry.get("provider_id") or entity_id),
        "name": str(entry.get("name") or slug),
        "client_id": slug,
        "settings": settings,
    }


def saml_apps(environ: Mapping[str, str] | None = None) -> list[dict[str, object]]:
    """allauth SAML apps from the environment; none (SAML off) when it says nothing.

    One identity provider: the ``PORTAL_SAML_*`` variables (README, "University single
    sign-on"). Several: ``PORTAL_SAML_PROVIDERS``, a JSON list of objects with the same names in
    lower case without the prefix (``id``, ``idp_entity_id``, ``idp_metadata_url``, ...).
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("PORTAL_SAML_PROVIDERS", "").strip()
    if raw:
        try:
            entries = json.loads(raw)
        except json.JSONDecodeError as error:
            raise SAMLSettingsError(f"PORTAL_SAML_PROVIDERS is not JSON: {error}") from error
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise SAMLSettingsError("PORTAL_SAML_PROVIDERS: a JSON list of objects")
    elif environ.get("PORTAL_SAML_IDP_ENTITY_ID", "").strip():
        entries = [_entry_from_variables(environ)]
    else:
        return []
    apps = [saml_app(entry) for entry in entries]
    slugs = [app["client_id"] for app in apps]
    if len(set(slugs)) != len(slugs):
        raise SAMLSettingsError(f"SAML ids must differ: {slugs}")
    return apps


def saml_form_action(apps: list[dict[str, object]], extra: list[str]) -> set[str]:
    """Origins the SAML sign-in redirects to (Content-Security-Policy ``form-action``).

    The single sign-on URL's origin when it is configured; with metadata, the metadata's origin
    (usually the identity provider's), plus ``extra`` for a sign-in page elsewhere.
    """
    origins = set(extra)
    for app in apps:
        idp = app["settings"]["idp"]  # type: ignore[index]
        url = str(idp.get("sso_url") or idp.get("metadata_url"))
        parts = urlsplit(url)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return origins

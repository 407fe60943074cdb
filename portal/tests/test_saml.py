"""SAML 2.0 single sign-on: configuration from the environment, the portal's rules, the URLs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import RequestFactory

from portal.saml_provider import PortalSAMLProvider, address_is_trusted
from portal.saml_settings import (
    DEFAULT_ATTRIBUTES,
    REFEDS_MFA,
    SAMLSettingsError,
    saml_apps,
    saml_form_action,
)
from portal.sso import asserted_mfa
from portal.tests.saml_idp.certs import write_key_pair

ENTITY_ID = "https://idp.example.ac.uk/idp/shibboleth"
METADATA = "https://idp.example.ac.uk/idp/shibboleth/metadata"
PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MAIL, GIVEN, SN = "urn:oid:0.9.2342.19200300.100.1.3", "urn:oid:2.5.4.42", "urn:oid:2.5.4.4"
EPPN = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"


# --- Settings from the environment ----------------------------------------------------------


def test_no_identity_provider_when_the_environment_says_nothing() -> None:
    assert saml_apps({}) == []
    assert saml_apps({"PORTAL_OIDC_SERVER_URL": "https://login.example"}) == []


def test_one_identity_provider_by_its_metadata() -> None:
    [app] = saml_apps(
        {
            "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
            "PORTAL_SAML_IDP_METADATA_URL": METADATA,
            "PORTAL_SAML_TRUSTED_DOMAINS": "Example.ac.uk, students.example.ac.uk",
        }
    )
    assert (app["provider_id"], app["client_id"], app["name"]) == (
        ENTITY_ID,
        "university",
        "University sign-in",
    )
    settings: Any = app["settings"]
    assert settings["idp"] == {"entity_id": ENTITY_ID, "metadata_url": METADATA}
    assert settings["attribute_mapping"] == DEFAULT_ATTRIBUTES
    assert settings["trusted_email_domains"] == ["example.ac.uk", "students.example.ac.uk"]
    assert settings["mfa_contexts"] == [REFEDS_MFA]
    # Signed assertions only; no sign-in the identity provider starts unasked; no request signing.
    assert settings["advanced"] == {"want_assertion_signed": True, "reject_idp_initiated_sso": True}
    assert "sp" not in settings  # the entity id is then the metadata URL


def test_without_metadata_the_sign_on_url_and_certificate_are_given(tmp_path: Path) -> None:
    _key, cert = write_key_pair(tmp_path, "idp")
    environ = {
        "PORTAL_SAML_ID": "staff",
        "PORTAL_SAML_NAME": "Staff sign-in",
        "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
        "PORTAL_SAML_IDP_SSO_URL": "https://idp.example.ac.uk/idp/profile/SAML2/Redirect/SSO",
        "PORTAL_SAML_IDP_X509CERT_FILE": str(cert),
        "PORTAL_SAML_SP_ENTITY_ID": "https://portal.example.ac.uk/saml",
        "PORTAL_SAML_MFA_CONTEXTS": f"{REFEDS_MFA},urn:example:mfa",
        "PORTAL_SAML_ATTR_UID": "urn:oid:0.9.2342.19200300.100.1.1",
    }
    [app] = saml_apps(environ)
    settings: Any = app["settings"]
    assert (app["client_id"], app["name"]) == ("staff", "Staff sign-in")
    assert settings["idp"]["sso_url"].endswith("/Redirect/SSO")
    assert settings["idp"]["x509cert"] == cert.read_text().strip()
    assert settings["sp"] == {"entity_id": "https://portal.example.ac.uk/saml"}
    assert settings["mfa_contexts"] == [REFEDS_MFA, "urn:example:mfa"]
    assert settings["attribute_mapping"]["uid"] == ["urn:oid:0.9.2342.19200300.100.1.1"]
    assert settings["attribute_mapping"]["email"] == DEFAULT_ATTRIBUTES["email"]
    assert settings["trusted_email_domains"] == []  # no address is taken as verified


def test_a_key_pair_makes_the_portal_sign_its_requests(tmp_path: Path) -> None:
    key, cert = write_key_pair(tmp_path, "sp")
    [app] = saml_apps(
        {
            "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
            "PORTAL_SAML_IDP_METADATA_URL": METADATA,
            "PORTAL_SAML_SP_PRIVATE_KEY_FILE": str(key),
            "PORTAL_SAML_SP_X509CERT": cert.read_text(),
        }
    )
    advanced: Any = app["settings"]["advanced"]  # type: ignore[index]
    assert advanced["authn_request_signed"] is True
    assert advanced["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert advanced["x509cert"] == cert.read_text().strip()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID}, "give idp_metadata_url, or idp_sso_url"),
        (
            {"PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID, "PORTAL_SAML_IDP_SSO_URL": "https://x"},
            "give idp_metadata_url, or idp_sso_url and idp_x509cert",
        ),
        (
            {
                "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
                "PORTAL_SAML_IDP_METADATA_URL": METADATA,
                "PORTAL_SAML_SP_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----",
            },
            "sp_private_key and sp_x509cert go together",
        ),
        (
            {
                "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
                "PORTAL_SAML_IDP_METADATA_URL": METADATA,
                "PORTAL_SAML_SP_X509CERT": "x",
                "PORTAL_SAML_SP_X509CERT_FILE": "/x",
            },
            "give sp_x509cert or sp_x509cert_file, not both",
        ),
        (
            {
                "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
                "PORTAL_SAML_IDP_SSO_URL": "https://x",
                "PORTAL_SAML_IDP_X509CERT_FILE": "/nonexistent/idp.crt",
            },
            "idp_x509cert_file /nonexistent/idp.crt: No such file or directory",
        ),
        (
            {"PORTAL_SAML_ID": "a/b", "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID},
            "a non-empty name without '/'",
        ),
        ({"PORTAL_SAML_PROVIDERS": "[{"}, "PORTAL_SAML_PROVIDERS is not JSON"),
        ({"PORTAL_SAML_PROVIDERS": '{"id": "x"}'}, "a JSON list of objects"),
        ({"PORTAL_SAML_PROVIDERS": '[{"id": "x"}]'}, "SAML x: idp_entity_id is required"),
    ],
)
def test_an_incomplete_environment_is_refused_with_the_reason(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(SAMLSettingsError, match="^.*" + message.replace("(", r"\(")):
        saml_apps(environ)


def test_several_identity_providers_from_json() -> None:
    providers = [
        {"id": "staff", "idp_entity_id": "urn:staff", "idp_metadata_url": "https://a.example/md"},
        {
            "id": "students",
            "name": "Students",
            "idp_entity_id": "urn:students",
            "idp_metadata_url": "https://b.example/md",
            "trusted_domains": ["Students.example.ac.uk"],
        },
    ]
    apps = saml_apps({"PORTAL_SAML_PROVIDERS": json.dumps(providers)})
    assert [app["client_id"] for app in apps] == ["staff", "students"]
    assert [app["provider_id"] for app in apps] == ["urn:staff", "urn:students"]
    assert apps[1]["settings"]["trusted_email_domains"] == ["students.example.ac.uk"]  # type: ignore[index]
    twice = json.dumps([providers[0], providers[0]])
    with pytest.raises(SAMLSettingsError, match="SAML ids must differ"):
        saml_apps({"PORTAL_SAML_PROVIDERS": twice})


def test_the_sign_in_form_may_redirect_to_the_identity_provider(tmp_path: Path) -> None:
    _key, cert = write_key_pair(tmp_path, "idp")
    by_metadata = saml_apps(
        {"PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID, "PORTAL_SAML_IDP_METADATA_URL": METADATA}
    )
    by_url = saml_apps(
        {
            "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
            "PORTAL_SAML_IDP_SSO_URL": "https://login.example.ac.uk:8443/sso",
            "PORTAL_SAML_IDP_X509CERT_FILE": str(cert),
        }
    )
    assert saml_form_action(by_metadata, []) == {"https://idp.example.ac.uk"}
    assert saml_form_action(by_url, ["https://mfa.example"]) == {
        "https://login.example.ac.uk:8443",
        "https://mfa.example",
    }
    assert saml_form_action([], []) == set()


# --- The portal's rules: trusted addresses, asserted MFA --------------------------------------


@pytest.mark.parametrize(
    ("email", "trusted"),
    [
        ("a.person@example.ac.uk", True),
        ("A.Person@EXAMPLE.AC.UK", True),
        ("a.person@students.example.ac.uk", False),  # a subdomain is listed on its own
        ("a.person@example.ac.uk.evil.com", False),
        ("a.person@example.com", False),
        ("@example.ac.uk", False),
        ("a@b@example.ac.uk", False),
        ("", False),
        (None, False),
    ],
)
def test_an_address_is_trusted_only_in_a_listed_domain(email: object, trusted: bool) -> None:
    assert address_is_trusted(email, ["example.ac.uk"]) is trusted


class Assertion:
    """What allauth's SAML provider reads of python3-saml's processed response."""

    def __init__(self, attributes: dict[str, list[str]], contexts: list[str]) -> None:
        self.attributes, self.contexts = attributes, contexts

    def get_attributes(self) -> dict[str, list[str]]:
        return self.attributes

    def get_nameid(self) -> str:
        return "AAdzZWNyZXQxz2Vuc29yZWQ="

    def get_nameid_format(self) -> str:
        return "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"

    def get_last_authn_contexts(self) -> list[str]:
        return self.contexts


def _sociallogin(
    email: str, contexts: list[str], extra: dict[str, list[str]] | None = None, **app_settings: Any
) -> Any:
    [app] = saml_apps(
        {
            "PORTAL_SAML_IDP_ENTITY_ID": ENTITY_ID,
            "PORTAL_SAML_IDP_METADATA_URL": METADATA,
            "PORTAL_SAML_TRUSTED_DOMAINS": "example.ac.uk",
        }
    )
    settings: Any = app["settings"]
    social_app = SocialApp(
        provider="saml",
        provider_id=ENTITY_ID,
        client_id="university",
        settings={**settings, **app_settings},
    )
    request = RequestFactory().get("/accounts/saml/university/acs/finish/")
    provider = PortalSAMLProvider(request, app=social_app)
    attributes = {MAIL: [email], GIVEN: ["Ada"], SN: ["Lovelace"], EPPN: ["ada@example.ac.uk"]}
    attributes.update(extra or {})
    return provider.sociallogin_from_response(request, Assertion(attributes, contexts))


@pytest.mark.django_db
def test_the_assertion_gives_the_identity_names_and_authentication_context() -> None:
    login = _sociallogin("ada@example.ac.uk", [REFEDS_MFA])
    assert (login.account.provider, login.account.uid) == (ENTITY_ID, "ada@example.ac.uk")
    assert (login.user.first_name, login.user.last_name) == ("Ada", "Lovelace")
    assert login.account.extra_data["AuthnContextClassRef"] == [REFEDS_MFA]
    assert login.account.extra_data[MAIL] == ["ada@example.ac.uk"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "verified"), [("ada@example.ac.uk", True), ("ada@gmail.example", False)]
)
def test_an_address_counts_as_verified_only_in_a_trusted_domain(email: str, verified: bool) -> None:
    [address] = _sociallogin(email, [PASSWORD]).email_addresses
    assert (address.email, address.verified) == (email, verified)


@pytest.mark.django_db
def test_an_email_verified_attribute_does_not_override_the_domain_rule() -> None:
    claim = "http://schemas.auth0.com/email_verified"
    login = _sociallogin(
        "ada@gmail.example",
        [PASSWORD],
        {claim: ["true"]},
        attribute_mapping={**DEFAULT_ATTRIBUTES, "email_verified": [claim]},
    )
    assert [address.verified for address in login.email_addresses] == [False]


@pytest.mark.django_db
def test_only_an_mfa_context_counts_as_the_second_factor() -> None:
    assert asserted_mfa(_sociallogin("ada@example.ac.uk", [REFEDS_MFA])) == [REFEDS_MFA]
    assert asserted_mfa(_sociallogin("ada@example.ac.uk", [PASSWORD])) == []
    assert asserted_mfa(_sociallogin("ada@example.ac.uk", [])) == []
    custom = _sociallogin(
        "ada@example.ac.uk", ["urn:example:mfa"], mfa_contexts=["urn:example:mfa"]
    )
    assert asserted_mfa(custom) == ["urn:example:mfa"]
    # With its own list, the identity provider's REFEDS context is no longer enough.
    other = _sociallogin("ada@example.ac.uk", [REFEDS_MFA], mfa_contexts=["urn:example:mfa"])
    assert asserted_mfa(other) == []


# --- xmlsec at run time ------------------------------------------------------------------------


def test_xmlsec_signs_and_checks_a_document_at_run_time(tmp_path: Path) -> None:
    """python3-saml's signatures go through xmlsec and lxml, which must share one libxml2."""
    from onelogin.saml2.utils import OneLogin_Saml2_Utils

    key, cert = write_key_pair(tmp_path, "signer")
    document = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" '
        'IssueInstant="2026-01-01T00:00:00Z"><saml:Issuer>urn:example:idp</saml:Issuer>'
        "<samlp:Status/></samlp:Response>"
    )
    signed = OneLogin_Saml2_Utils.add_sign(document, key.read_text(), cert.read_text())
    assert OneLogin_Saml2_Utils.validate_sign(signed, cert.read_text(), raise_exceptions=True)
    tampered = signed.replace(b"urn:example:idp", b"urn:example:other")
    assert tampered != signed
    assert not OneLogin_Saml2_Utils.validate_sign(tampered, cert.read_text())

"""The SAML URLs allauth serves: absent until configured, then metadata, sign-in and errors.

Every URL for an anonymous visitor and a signed-in alumnus, with no identity provider and with
one; bad or missing responses end on allauth's sign-in error page (401), never a server error.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from portal.models import User
from portal.roles import Role
from portal.saml_settings import saml_apps
from portal.tests.factories import make_user
from portal.tests.saml_idp.certs import write_key_pair

pytestmark = pytest.mark.django_db

HOST = "portal.example.ac.uk"
BASE = "/accounts/saml/university"
SSO_URL = "https://idp.example.ac.uk/idp/profile/SAML2/Redirect/SSO"


@pytest.fixture
def anonymous() -> Client:
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def alumnus_client() -> Client:
    client = Client(HTTP_HOST=HOST)
    user: User = make_user(Role.ALUMNUS)
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def portal_host(settings: Any) -> None:
    # A name python3-saml accepts in the URLs it builds ("testserver" has no dot).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


def _configure(settings: Any, environ: dict[str, str]) -> None:
    environ = {"PORTAL_SAML_IDP_ENTITY_ID": "https://idp.example.ac.uk/idp/shibboleth", **environ}
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": []},
        "saml": {"APPS": saml_apps(environ)},
    }


@pytest.fixture
def configured(settings: Any, tmp_path: Path) -> Path:
    """One identity provider by sign-on URL and certificate; the portal signs its requests."""
    _idp_key, idp_cert = write_key_pair(tmp_path, "idp")
    sp_key, sp_cert = write_key_pair(tmp_path, "sp")
    environ = {
        "PORTAL_SAML_IDP_SSO_URL": SSO_URL,
        "PORTAL_SAML_IDP_X509CERT_FILE": str(idp_cert),
        "PORTAL_SAML_SP_PRIVATE_KEY_FILE": str(sp_key),
        "PORTAL_SAML_SP_X509CERT_FILE": str(sp_cert),
    }
    _configure(settings, environ)
    return sp_cert


@pytest.mark.parametrize("who", ["anonymous", "alumnus_client"])
@pytest.mark.parametrize("path", ["login/", "metadata/", "acs/finish/", "sls/"])
def test_without_an_identity_provider_every_saml_url_is_404(
    request: pytest.FixtureRequest, settings: Any, who: str, path: str
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}, "saml": {"APPS": []}}
    client: Client = request.getfixturevalue(who)
    assert client.get(f"{BASE}/{path}").status_code == 404


def test_without_an_identity_provider_the_sign_in_page_offers_no_saml(
    anonymous: Client, settings: Any
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}, "saml": {"APPS": []}}
    response = anonymous.get("/accounts/login/")
    assert response.status_code == 200
    assert "/accounts/saml/" not in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "alumnus_client"])
def test_the_portal_publishes_its_metadata(
    request: pytest.FixtureRequest, configured: Path, who: str
) -> None:
    client: Client = request.getfixturevalue(who)
    response = client.get(f"{BASE}/metadata/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    xml = response.content.decode()
    assert f'entityID="http://{HOST}{BASE}/metadata/"' in xml
    assert f'Location="http://{HOST}{BASE}/acs/"' in xml
    assert 'AuthnRequestsSigned="true"' in xml and 'WantAssertionsSigned="true"' in xml
    cert_body = "".join(configured.read_text().strip().splitlines()[1:-1])
    assert cert_body in xml


def test_the_sign_in_page_offers_the_university_button(anonymous: Client, configured: Path) -> None:
    response = anonymous.get("/accounts/login/")
    assert f'href="{BASE}/login/' in response.content.decode()
    assert "University sign-in" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "alumnus_client"])
def test_signing_in_sends_a_signed_request_to_the_identity_provider(
    request: pytest.FixtureRequest, configured: Path, who: str
) -> None:
    client: Client = request.getfixturevalue(who)
    assert client.get(f"{BASE}/login/").status_code == 200  # allauth's "Continue" page
    response = client.post(f"{BASE}/login/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == SSO_URL
    query = parse_qs(url.query)
    assert {"SAMLRequest", "SigAlg", "Signature"} <= set(query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]


@pytest.mark.parametrize(
    "saml_response",
    [
        "not base64 at all!",
        base64.b64encode(b"<not-saml/>").decode(),
        base64.b64encode(b"<unclosed").decode(),
        base64.b64encode(b'<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>').decode(),
        "",
    ],
)
def test_a_bad_response_ends_on_the_sign_in_error_page(
    anonymous: Client, configured: Path, saml_response: str
) -> None:
    response = anonymous.post(f"{BASE}/acs/", {"SAMLResponse": saml_response})
    assert response.status_code == 302 and response["Location"] == f"{BASE}/acs/finish/"
    finish = anonymous.get(response["Location"])
    assert finish.status_code == 401
    assert "Third-Party Login Failure" in finish.content.decode()


def test_finishing_without_a_response_ends_on_the_sign_in_error_page(
    anonymous: Client, configured: Path
) -> None:
    finish = anonymous.get(f"{BASE}/acs/finish/")
    assert finish.status_code == 401
    assert "Third-Party Login Failure" in finish.content.decode()


def test_an_unreachable_identity_provider_is_a_page_not_a_server_error(
    anonymous: Client, settings: Any
) -> None:
    # Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    _configure(settings, {"PORTAL_SAML_IDP_METADATA_URL": "http://127.0.0.1:9/metadata"})
    response = anonymous.post(f"{BASE}/login/")
    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()


def test_the_metadata_names_an_unreadable_identity_provider(
    anonymous: Client, settings: Any
) -> None:
    _configure(settings, {"PORTAL_SAML_IDP_METADATA_URL": "http://127.0.0.1:9/metadata"})
    response = anonymous.get(f"{BASE}/metadata/")
    assert response.status_code == 503
    assert "identity provider's metadata cannot be read" in response.content.decode()

"""University single sign-on by SAML 2.0 in Chromium, through a real identity provider.

The provider is pysaml2's (``portal/tests/saml_idp/server.py``), a second process on 127.0.0.1
on a free port, signing with a key pair made for the test and stopped by its PID. The portal,
on ``localhost``, is configured from the same environment variables as in production
(``portal.saml_settings``), so the browser crosses sites as it does between a university's
identity provider and the portal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache

from portal.models import User
from portal.permissions import forget_roles, roles_of
from portal.roles import Role
from portal.saml_settings import REFEDS_MFA, saml_apps, saml_form_action
from portal.tests.factories import TEST_TOTP_SECRET, make_user
from portal.tests.saml_idp.certs import write_key_pair
from portal.twofactor import totp_current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
UNIVERSITY = "example.ac.uk"


def _xmlsec1() -> str:
    path = shutil.which("xmlsec1")
    if path is None:
        message = "xmlsec1 not found: the SAML identity provider signs with it (apt xmlsec1)"
        if os.environ.get("PORTAL_REQUIRE_BROWSER"):  # CI: a missing tool is a failure
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def saml_idp(
    live_server: Any, settings: Any, tmp_path: Path
) -> Iterator[Callable[..., dict[str, str]]]:
    """``start(accounts, metadata=True, signed_requests=False, trusted_cert=None)`` starts the
    identity provider and points the portal's SAML sign-in at it, as the ``PORTAL_SAML_*``
    variables would (``trusted_cert``: another certificate the portal is told to trust)."""
    xmlsec1 = _xmlsec1()
    processes: list[subprocess.Popen[str]] = []

    def start(
        accounts: dict[str, Any],
        *,
        metadata: bool = True,
        signed_requests: bool = False,
        trusted_cert: Path | None = None,
    ) -> dict[str, str]:
        idp_key, idp_cert = write_key_pair(tmp_path, "idp")
        sp_metadata_url = f"{live_server.url}/accounts/saml/university/metadata/"
        config = {
            "key_file": str(idp_key),
            "cert_file": str(idp_cert),
            "xmlsec_binary": xmlsec1,
            "sp_metadata_url": sp_metadata_url,
            "accounts": accounts,
            "want_authn_requests_signed": signed_requests,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "portal.tests.saml_idp.server"],
            cwd=ROOT,
            env={**os.environ, "SAML_IDP_CONFIG": json.dumps(config)},
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        idp = json.loads(process.stdout.readline())
        environ = {
            "PORTAL_SAML_IDP_ENTITY_ID": idp["entity_id"],
            "PORTAL_SAML_TRUSTED_DOMAINS": UNIVERSITY,
        }
        if metadata:
            environ["PORTAL_SAML_IDP_METADATA_URL"] = idp["metadata_url"]
            # allauth keeps fetched metadata in the cache: a port used before must not bring
            # back a certificate of an earlier run.
            cache.delete(f"saml.metadata.{idp['metadata_url']}.{idp['entity_id']}")
        else:
            environ["PORTAL_SAML_IDP_SSO_URL"] = idp["sso_url"]
            environ["PORTAL_SAML_IDP_X509CERT_FILE"] = str(trusted_cert or idp_cert)
        if signed_requests:
            sp_key, sp_cert = write_key_pair(tmp_path, "sp")
            environ["PORTAL_SAML_SP_PRIVATE_KEY_FILE"] = str(sp_key)
            environ["PORTAL_SAML_SP_X509CERT_FILE"] = str(sp_cert)
        apps = saml_apps(environ)
        # The test portal is on "localhost", a name python3-saml refuses in URLs by default.
        apps[0]["settings"]["advanced"]["allow_single_label_domains"] = True  # type: ignore[index]
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {"APPS": []},
            "saml": {"APPS": apps},
        }
        # As settings.py does for a configured identity provider: the form may redirect there.
        policy = settings.CONTENT_SECURITY_POLICY
        directives = dict(policy["DIRECTIVES"])
        directives["form-action"] = ["'self'", *sorted(saml_form_action(apps, []))]
        settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
        return dict(idp)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def _account(email: str, *, context: str, affiliation: str = "member") -> dict[str, Any]:
    local = email.split("@")[0]
    return {
        "attributes": {
            "mail": [email],
            "givenName": ["Saml"],
            "sn": ["Person"],
            "eduPersonPrincipalName": [f"{local}@{UNIVERSITY}"],
            "eduPersonAffiliation": [affiliation],
        },
        "authn_context": context,
    }


PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def _saml(page: Any, login: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="University sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Username").fill(login)
    page.get_by_role("button", name="Sign in with the university").click()


def test_staff_whose_idp_asserts_mfa_land_on_the_dashboard(
    page: Any, saml_idp: Any, axe_check: Any
) -> None:
    staff = make_user(Role.COMMS_STAFF, email=f"comms.saml@{UNIVERSITY}")
    idp = saml_idp({"c1": _account(staff.email, context=REFEDS_MFA, affiliation="staff")})
    page.goto("/accounts/login/")
    axe_check(page)
    _saml(page, "c1")
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("link", name="Reminders").count() > 0  # a comms staff menu
    forget_roles(staff)
    assert roles_of(staff) == {Role.COMMS_STAFF, Role.STAFF}
    account = SocialAccount.objects.get(user=staff)
    assert (account.provider, account.uid) == (idp["entity_id"], f"comms.saml@{UNIVERSITY}")
    assert account.extra_data["AuthnContextClassRef"] == [REFEDS_MFA]


def test_staff_without_the_mfa_context_still_give_their_code(page: Any, saml_idp: Any) -> None:
    """Configured without metadata (entity id, sign-on URL, certificate), the portal signing its
    requests and the identity provider refusing unsigned ones."""
    staff = make_user(Role.COMMS_STAFF, email=f"comms.pwd@{UNIVERSITY}")
    saml_idp({"c2": _account(staff.email, context=PASSWORD)}, metadata=False, signed_requests=True)
    _saml(page, "c2")
    page.locator("#id_code").fill(totp_current_code(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("link", name="Reminders").count() > 0


def test_a_new_person_signs_up_through_saml_without_any_staff_role(
    page: Any, saml_idp: Any, axe_check: Any
) -> None:
    email = f"new.graduate@{UNIVERSITY}"
    saml_idp({"n1": _account(email, context=REFEDS_MFA, affiliation="staff")})
    _saml(page, "n1")
    page.wait_for_url("**/signup/**")
    axe_check(page)
    page.get_by_label("A graduate of the university").check()
    page.get_by_label("Graduates: year you graduated").fill("2015")
    page.get_by_label("Graduates: programme you studied").fill("MSc Economics")
    page.get_by_label("Graduates: year of birth").fill("1990")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/dashboard/")
    user = User.objects.get(email=email)
    # The identity provider's "staff" affiliation grants nothing: the sign-up form decides.
    assert roles_of(user) == {Role.ALUMNUS}
    assert (user.first_name, user.last_name) == ("Saml", "Person")


def test_an_address_outside_the_trusted_domains_does_not_take_over_an_account(
    page: Any, saml_idp: Any
) -> None:
    alumnus = make_user(Role.ALUMNUS, email="taken@example.com")
    saml_idp({"x1": _account(alumnus.email, context=REFEDS_MFA)})
    _saml(page, "x1")
    page.wait_for_url("**/signup/**")
    assert "/dashboard/" not in page.url
    assert not SocialAccount.objects.filter(user=alumnus).exists()


def test_an_assertion_signed_with_another_key_signs_nobody_in(
    page: Any, saml_idp: Any, tmp_path: Path
) -> None:
    staff = make_user(Role.COMMS_STAFF, email=f"comms.forged@{UNIVERSITY}")
    _key, other_cert = write_key_pair(tmp_path, "other")
    saml_idp(
        {"f1": _account(staff.email, context=REFEDS_MFA)}, metadata=False, trusted_cert=other_cert
    )
    _saml(page, "f1")
    page.wait_for_url("**/acs/finish/")
    assert page.get_by_role("heading", name="Third-Party Login Failure").count() == 1
    assert not SocialAccount.objects.filter(user=staff).exists()
    page.goto("/dashboard/")
    assert "/accounts/login/" in page.url

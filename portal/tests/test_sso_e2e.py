"""University single sign-on in Chromium, through a real OpenID Connect provider.

The provider is panva's ``oidc-provider`` under Node (``portal/tests/oidc_provider``), installed
with ``npm ci`` into that git-ignored folder's ``node_modules`` and started on 127.0.0.1 on an
ephemeral port for each test, then stopped by its PID.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount

from portal.models import User
from portal.permissions import forget_roles, roles_of
from portal.roles import Role
from portal.tests.factories import TEST_TOTP_SECRET, make_user
from portal.twofactor import totp_current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "portal-test", "portal-test-secret-0123456789"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} not found: the SSO test runs a Node OpenID Connect provider"
        if os.environ.get("PORTAL_REQUIRE_BROWSER"):  # CI: a missing tool is a failure
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def oidc_provider(live_server: Any, settings: Any) -> Iterator[Callable[[dict[str, Any]], str]]:
    """``start(accounts)`` starts the provider and points the portal's SSO at it."""
    node, npm = _need("node"), _need("npm")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=300
        )
    processes: list[subprocess.Popen[str]] = []

    def start(accounts: dict[str, Any]) -> str:
        config = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": f"{live_server.url}/accounts/oidc/university/login/callback/",
            "accounts": accounts,
        }
        process = subprocess.Popen(
            [node, "server.mjs"],
            cwd=PROVIDER_DIR,
            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        issuer = str(json.loads(process.stdout.readline())["issuer"])
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "university",
                        "name": "University sign-in",
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {"server_url": issuer},
                    }
                ],
            }
        }
        # As settings.py does for configured providers: the SSO form may redirect there.
        policy = settings.CONTENT_SECURITY_POLICY
        directives = dict(policy["DIRECTIVES"])
        directives["form-action"] = ["'self'", issuer]
        settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
        return issuer

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def _account(user_email: str, *, amr: list[str], verified: bool = True) -> dict[str, Any]:
    return {
        "email": user_email,
        "email_verified": verified,
        "given_name": "Sso",
        "family_name": "Person",
        "amr": amr,
    }


def _sso(page: Any, login: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="University sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Username").fill(login)
    page.get_by_role("button", name="Sign in with the university").click()


def test_staff_whose_provider_asserts_mfa_land_on_the_dashboard(
    page: Any, oidc_provider: Any, axe_check: Any
) -> None:
    staff = make_user(Role.COMMS_STAFF, email="comms.sso@example.ac.uk")
    oidc_provider({"c1": _account(staff.email, amr=["pwd", "mfa"])})
    page.goto("/accounts/login/")
    axe_check(page)
    _sso(page, "c1")
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("link", name="Reminders").count() > 0  # a comms staff menu
    axe_check(page)
    forget_roles(staff)
    assert roles_of(staff) == {Role.COMMS_STAFF, Role.STAFF}


def test_staff_without_asserted_mfa_still_give_their_code(page: Any, oidc_provider: Any) -> None:
    staff = make_user(Role.COMMS_STAFF, email="comms.pwd@example.ac.uk")
    oidc_provider({"c2": _account(staff.email, amr=["pwd"])})
    _sso(page, "c2")
    page.locator("#id_code").fill(totp_current_code(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("link", name="Reminders").count() > 0


def test_a_new_person_signs_up_through_sso_without_any_staff_role(
    page: Any, oidc_provider: Any, axe_check: Any
) -> None:
    oidc_provider({"n1": _account("new.alumna@example.com", amr=["pwd", "mfa"])})
    _sso(page, "n1")
    page.wait_for_url("**/signup/**")
    axe_check(page)
    page.get_by_label("A graduate of the university").check()
    # Graduates give the details their alumni record is matched on (none here: pending).
    page.get_by_label("Graduates: year you graduated").fill("2015")
    page.get_by_label("Graduates: programme you studied").fill("MSc Economics")
    page.get_by_label("Graduates: year of birth").fill("1990")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/dashboard/")
    user = User.objects.get(email="new.alumna@example.com")
    assert roles_of(user) == {Role.ALUMNUS}
    assert user.first_name == "Sso"


def test_an_unverified_provider_address_does_not_take_over_an_account(
    page: Any, oidc_provider: Any
) -> None:
    alumnus = make_user(Role.ALUMNUS, email="taken@example.com")
    oidc_provider({"x1": _account(alumnus.email, amr=["pwd", "mfa"], verified=False)})
    _sso(page, "x1")
    page.wait_for_url("**/signup/**")
    assert "/dashboard/" not in page.url
    assert not SocialAccount.objects.filter(user=alumnus).exists()

"""Shared pytest fixtures: users by role and the browser for e2e tests.

Django imports happen inside the fixtures, so plain-Python tests can run with ``-p no:django``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from portal.models import User

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_configure(config: pytest.Config) -> None:
    """``Client.force_login`` stands for a complete sign-in: with the second factor for users
    who have one. ``force_login_password_only`` keeps the bare password session, for the tests
    that prove such a session is refused."""
    from django.test import Client

    if getattr(Client, "force_login_password_only", None):
        return
    original = Client.force_login

    def force_login(self: Any, user: Any, backend: str | None = None) -> None:
        from portal.tests.factories import record_second_factor
        from portal.twofactor import has_totp

        original(self, user, backend)
        if has_totp(user):
            record_second_factor(self, user)

    Client.force_login_password_only = original  # type: ignore[attr-defined]
    Client.force_login = force_login  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _cache_namespace() -> None:
    """A fresh cache namespace per test (rate-limit counters never leak between tests)."""
    import uuid

    from portal.tests import cache_keys

    cache_keys.NAMESPACE[0] = uuid.uuid4().hex


@pytest.fixture
def user_with_roles(db: None) -> Callable[..., User]:
    """``user_with_roles(Role.COMMS_STAFF, email=...)`` -> a verified user (TOTP if staff)."""
    from portal.tests.factories import make_user

    return make_user


def _make(role_name: str) -> User:
    from portal.roles import Role
    from portal.tests.factories import make_user

    return make_user(Role[role_name])


@pytest.fixture
def alumnus(db: None) -> User:
    return _make("ALUMNUS")


@pytest.fixture
def student(db: None) -> User:
    return _make("STUDENT")


@pytest.fixture
def engagement_staff(db: None) -> User:
    return _make("ENGAGEMENT_STAFF")


@pytest.fixture
def comms_staff(db: None) -> User:
    return _make("COMMS_STAFF")


@pytest.fixture
def scheme_admin(db: None) -> User:
    return _make("SCHEME_ADMIN")


@pytest.fixture
def postgres_only() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")


# --- Browser tests ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("PORTAL_REQUIRE_BROWSER"):  # CI: a missing browser is a failure
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test itself still uses the
    # ORM synchronously to prepare data, which Django allows once told so.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Chromium reports each Content-Security-Policy violation on the console: any of them, on
    # any page a browser test visits, fails the test.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not violations, "CSP violations:\n" + "\n".join(violations)


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def axe_check() -> Callable[[Any], None]:
    """``axe_check(page)``: fail on any serious or critical axe-core violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def judge(page: Any, width: str) -> None:
        results = axe.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
        ]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(node["target"][0] for node in v["nodes"][:3])
            for v in bad
        )
        assert not bad, f"axe-core violations on {page.url} at {width}:\n{details}"

    def check(page: Any) -> None:
        # A click that navigates returns once the new page starts loading; judge the page only
        # when its stylesheets are in, or unstyled markup reads as a contrast failure.
        page.wait_for_load_state("load")
        judge(page, "desktop width")
        # Then as a phone shows it: nothing may scroll sideways, and axe must stay clean.
        desktop = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], (
                f"{page.url} scrolls sideways at {PHONE['width']} px: "
                f"{widths[0]} px of content in {widths[1]} px"
            )
            judge(page, f"{PHONE['width']} px")
        finally:
            if desktop:
                page.set_viewport_size(desktop)

    return check


@pytest.fixture
def sign_in() -> Callable[[Any, User], None]:
    """``sign_in(page, user)``: sign in through the real form, answering the TOTP step."""
    from portal.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
    from portal.twofactor import has_totp, totp_current_code

    def do_sign_in(page: Any, user: User, password: str = TEST_PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        if has_totp(user):
            page.locator("#id_code").fill(totp_current_code(TEST_TOTP_SECRET))
            page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/dashboard/")

    return do_sign_in

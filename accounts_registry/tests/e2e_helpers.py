"""Browser helpers shared by the registry's journeys."""

from __future__ import annotations

from typing import Any

from accounts_registry.tests.test_e2e import fresh_totp_window


def as_user(browser: Any, live_server: Any, sign_in: Any, user: Any) -> Any:
    """A new browser context signed in as ``user``."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    fresh_totp_window()
    sign_in(page, user)
    return page


def fits_a_phone(page: Any) -> None:
    """At 390 px wide the page does not scroll sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if size:
        page.set_viewport_size(size)

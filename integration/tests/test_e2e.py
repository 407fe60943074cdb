"""The API docs page in Chromium under the site's Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_renders_every_operation_without_a_csp_violation(page: Any) -> None:
    # The page fixture fails the test on any CSP violation Chromium reports.
    page.goto("/api/v1/docs/", wait_until="domcontentloaded", timeout=60_000)
    page.get_by_text("/api/v1/changes/").first.wait_for(timeout=60_000)
    assert page.get_by_text("/api/v1/accounts/lookup/").count() > 0
    assert page.locator(".swagger-ui").count() == 1

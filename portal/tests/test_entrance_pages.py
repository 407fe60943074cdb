"""allauth's pages (sign-in, sign-up, password reset) in the portal's own style, not bare ``as_p`` forms."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_entrance_page_uses_the_portal_form_style(client: Client, url: str) -> None:
    body = client.get(url).content.decode()
    assert 'class="entrance-page"' in body  # one narrow column
    assert "form-control" in body and 'class="form-label' in body  # Bootstrap fields, labelled
    assert "<p><label" not in body  # not Django's bare as_p rendering

"""Every allauth email names the portal: through the real sign-up and password-reset flows."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.adapters import portal_site
from portal.models import OutboundEmail
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _assert_names_the_portal(message: OutboundEmail) -> None:
    site = portal_site()
    for body in (message.body_text, message.body_html):
        if not body:
            continue
        assert "Hello from !" not in body
        assert "using !" not in body
        assert f"Hello from {site.name}!" in body
        assert f"Thank you for using {site.name}!" in body
    assert message.subject.startswith("[Alumni portal] ")


def test_sign_up_email_names_the_portal(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "newcomer@example.com",
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
                "first_name": "Grace",
                "last_name": "Hopper",
                "relationship": "alumnus",
                "graduation_year": "2015",
                "programme": "MSc Economics",
                "birth_year": "1990",
            },
        )
    assert response.status_code == 302
    message = OutboundEmail.objects.get(to="newcomer@example.com")
    _assert_names_the_portal(message)
    assert settings.INSTITUTION_NAME in message.body_text
    assert "Hello from" in str(mail.outbox[-1].body)  # what was delivered is what was written


def test_password_reset_email_names_the_portal(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user(Role.ALUMNUS, email="forgetful@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    message = OutboundEmail.objects.get(to="forgetful@example.com")
    _assert_names_the_portal(message)
    assert portal_site().domain in message.body_text


def test_portal_site_is_the_base_urls_host(settings: Any) -> None:
    settings.PORTAL_BASE_URL = "https://portal.example.ac.uk"
    settings.INSTITUTION_NAME = "Example University"
    site = portal_site()
    assert site.domain == "portal.example.ac.uk"
    assert site.name == "Alumni portal of Example University"

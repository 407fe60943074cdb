"""Server errors reach the configured admins, and the 500 page says so only when they do."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from django.utils.log import AdminEmailHandler

from portal.views import admins_are_mailed_errors


def broken_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


urlpatterns = [path("broken/", broken_view)]
handler500 = "portal.views.error_500"

TOLD = "The team has been told"


@pytest.fixture
def broken_site(settings) -> Client:
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_without_admins_the_500_page_does_not_claim_anyone_was_told(
    broken_site: Client, settings
) -> None:
    settings.ADMINS = []
    response = broken_site.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert TOLD not in page
    assert "please tell the Alumni portal team" in page
    assert not mail.outbox


@pytest.mark.django_db
def test_with_admins_the_error_is_mailed_and_the_page_says_so(
    broken_site: Client, settings
) -> None:
    settings.ADMINS = [("Ops", "ops@example.ac.uk")]
    response = broken_site.get("/broken/")
    assert response.status_code == 500
    assert TOLD in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["ops@example.ac.uk"]
    assert "/broken/" in message.subject and "the view broke" in message.body


def test_admins_are_not_claimed_when_no_handler_would_mail_them(settings) -> None:
    """ADMINS with DEBUG on mails no one (Django's handler is off in debug), nor does a
    logging setup without a mail handler."""
    settings.ADMINS = [("Ops", "ops@example.ac.uk")]
    settings.DEBUG = False
    assert admins_are_mailed_errors()
    settings.DEBUG = True
    assert not admins_are_mailed_errors()
    settings.DEBUG = False
    django_logger = logging.getLogger("django")
    saved = django_logger.handlers[:]
    django_logger.handlers = [h for h in saved if not isinstance(h, AdminEmailHandler)]
    try:
        assert not admins_are_mailed_errors()
    finally:
        django_logger.handlers = saved


def _settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    code = (
        "import django; django.setup(); import logging; from django.conf import settings; "
        f"print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50}
HANDLERS = (
    "[type(h).__name__ for h in logging.getLogger('django.request').handlers], "
    "logging.getLogger('django.request').propagate"
)


def test_django_admins_is_read_from_the_environment() -> None:
    env = {**PRODUCTION, "DJANGO_ADMINS": "Ops Team <ops@example.ac.uk>, other@example.ac.uk"}
    assert _settings_in_subprocess(env, "settings.ADMINS") == (
        "[('Ops Team', 'ops@example.ac.uk'), ('other@example.ac.uk', 'other@example.ac.uk')]"
    )
    # One email per error: django.request mails them and does not pass the record on to
    # Django's default "django" logger, which would mail them a second time.
    assert _settings_in_subprocess(env, HANDLERS) == "['StreamHandler', 'AdminEmailHandler'] False"


def test_no_mail_handler_without_admins_or_in_debug() -> None:
    assert _settings_in_subprocess({**PRODUCTION, "DJANGO_ADMINS": ""}, HANDLERS) == "[] True"
    debug = {"DJANGO_DEBUG": "1", "DJANGO_ADMINS": "ops@example.ac.uk"}
    assert _settings_in_subprocess(debug, HANDLERS) == "[] True"

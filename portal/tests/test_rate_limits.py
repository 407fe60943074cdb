"""Sign-in and public endpoint limits, counted in the shared cache."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from portal.roles import Role
from portal.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_user
from portal.twofactor import totp_current_code

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts"
# Addresses from the documentation ranges (RFC 5737): only ever strings in a test request.
CAMPUS_NAT = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


def _login(client: Client, email: str, password: str, address: str = CAMPUS_NAT):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_failed_passwords_lock_that_account_even_for_the_right_password() -> None:
    make_user(Role.ALUMNUS, email="ada@example.com")
    client = Client()
    for _ in range(5):
        _login(client, "ada@example.com", "wrong")
    response = _login(client, "ada@example.com", TEST_PASSWORD)
    assert LOCKED in response.content.decode()
    assert not _signed_in(client)


def test_one_persons_failures_do_not_lock_out_another_from_the_same_address() -> None:
    make_user(Role.ALUMNUS, email="ada@example.com")
    make_user(Role.ALUMNUS, email="grace@example.com")
    attacker = Client()
    for _ in range(12):
        _login(attacker, "ada@example.com", "wrong")
    neighbour = Client()
    response = _login(neighbour, "grace@example.com", TEST_PASSWORD)
    assert response.status_code == 302
    assert _signed_in(neighbour)


def test_many_accounts_failing_from_one_address_lock_that_address(settings) -> None:
    settings.PORTAL_LOGIN_IP_ACCOUNTS_LIMIT = "3/15m"
    for n in range(4):
        make_user(Role.ALUMNUS, email=f"user{n}@example.com")
    sprayer = Client()
    for n in range(3):
        _login(sprayer, f"user{n}@example.com", "Winter2026!")
    locked = Client()
    assert LOCKED in _login(locked, "user3@example.com", TEST_PASSWORD).content.decode()
    # The same person elsewhere is unaffected: the rule is the address's, not the account's.
    elsewhere = Client()
    _login(elsewhere, "user3@example.com", TEST_PASSWORD, address=ELSEWHERE)
    assert _signed_in(elsewhere)


def test_repeated_failures_on_one_account_count_once_towards_the_address(settings) -> None:
    settings.PORTAL_LOGIN_IP_ACCOUNTS_LIMIT = "2/15m"
    make_user(Role.ALUMNUS, email="ada@example.com")
    make_user(Role.ALUMNUS, email="grace@example.com")
    for _ in range(4):
        _login(Client(), "ada@example.com", "wrong")
    client = Client()
    _login(client, "grace@example.com", TEST_PASSWORD)
    assert _signed_in(client)


def test_trusted_proxy_setting_decides_whose_address_is_counted(settings) -> None:
    settings.PORTAL_LOGIN_IP_ACCOUNTS_LIMIT = "2/15m"
    for n in range(3):
        make_user(Role.ALUMNUS, email=f"user{n}@example.com")

    def attempt(email: str, password: str, forwarded_for: str) -> Client:
        client = Client()
        client.post(
            reverse("account_login"),
            {"login": email, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
        return client

    # Behind one proxy: each client's own address counts, so two sprayed accounts from one
    # client leave a different client behind the same proxy free to sign in.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attempt("user0@example.com", "wrong", CAMPUS_NAT)
    attempt("user1@example.com", "wrong", CAMPUS_NAT)
    assert _signed_in(attempt("user2@example.com", TEST_PASSWORD, ELSEWHERE))
    assert not _signed_in(attempt("user2@example.com", TEST_PASSWORD, CAMPUS_NAT))
    # With no trusted proxy, a forged X-Forwarded-For changes nothing: the socket's address
    # (127.0.0.1, which has now failed for two accounts... of its own) is what counts.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    attempt("user0@example.com", "wrong", "203.0.113.1")
    attempt("user1@example.com", "wrong", "203.0.113.2")
    assert not _signed_in(attempt("user2@example.com", TEST_PASSWORD, "203.0.113.3"))


def test_failed_authenticator_codes_lock_the_second_step() -> None:
    make_user(Role.COMMS_STAFF, email="comms@example.ac.uk")
    client = Client()
    _login(client, "comms@example.ac.uk", TEST_PASSWORD)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR=CAMPUS_NAT)
    response = client.post(
        reverse("mfa_authenticate"),
        {"code": totp_current_code(TEST_TOTP_SECRET)},
        REMOTE_ADDR=CAMPUS_NAT,
    )
    assert LOCKED in response.content.decode()
    assert not _signed_in(client)


# --- The portal's public endpoints ----------------------------------------------------------


def _limits(settings, **overrides: str) -> None:
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, **overrides}


def test_account_lookup_answers_429_with_a_message_past_its_limit(settings) -> None:
    _limits(settings, account_lookup="3/m")
    client = Client()
    url = reverse("accounts_registry:lookup") + "?platform=x&handle=someone"
    statuses = [client.get(url, REMOTE_ADDR=CAMPUS_NAT).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get(url, REMOTE_ADDR=CAMPUS_NAT)
    assert "Too many requests" in response.content.decode()
    assert int(response["Retry-After"]) <= 60
    assert client.get(url, REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_unsubscribe_links_are_limited(settings) -> None:
    _limits(settings, unsubscribe="2/m")
    client = Client()
    url = reverse("groups:unsubscribe", kwargs={"token": "not-a-token"})
    statuses = [client.post(url, REMOTE_ADDR=CAMPUS_NAT).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_moderation_api_is_limited_with_a_json_answer(settings) -> None:
    _limits(settings, moderation_api="2/m")
    client = Client()
    url = reverse("moderation:api_items", kwargs={"pk": 999999})
    responses = [
        client.post(url, data="{}", content_type="application/json", REMOTE_ADDR=CAMPUS_NAT)
        for _ in range(3)
    ]
    assert [r.status_code for r in responses][-1] == 429
    assert "Too many requests" in responses[-1].json()["error"]


# --- Two real server processes share the counters -------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def two_servers(postgres_only: None, transactional_db: None) -> Iterator[list[str]]:
    """Two gunicorn processes on this machine, on the test database and one shared cache."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    var_dir = tempfile.mkdtemp(prefix="portal-two-servers-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_TESTING": "1",
        "DATABASE_URL": database_url,
        "PORTAL_VAR_DIR": var_dir,
        "PORTAL_CACHE_PREFIX": f"two-servers-{uuid.uuid4().hex}",
        "DB_CONN_MAX_AGE": "0",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = database_url.replace(
            f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@"
        )
    root = Path(__file__).resolve().parents[2]
    processes, urls = [], []
    for _ in range(2):
        port = _free_port()
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "30",
                ],
                cwd=root,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        for url in urls:
            while True:
                try:
                    urllib.request.urlopen(f"{url}/healthz", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _post_login(base: str, email: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password}
    ).encode()
    response = opener.open(f"{base}/accounts/login/", data=body, timeout=10)
    return str(response.read().decode())


def test_the_failed_password_limit_holds_across_two_server_processes(two_servers) -> None:
    make_user(Role.ALUMNUS, email="ada@example.com")
    first, second = two_servers
    for n in range(5):  # alternate: each process alone has seen fewer than five failures
        page = _post_login(first if n % 2 else second, "ada@example.com", "wrong")
        assert LOCKED not in page
    assert LOCKED in _post_login(first, "ada@example.com", TEST_PASSWORD)
    assert LOCKED in _post_login(second, "ada@example.com", TEST_PASSWORD)

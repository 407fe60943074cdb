"""Schemathesis, driven by the OpenAPI schema, against the API served by a live server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from accounts_registry.tests.factories import active_account, make_cast
from groups.tests.factories import make_committee, make_group, make_member
from integration.models import Scope

from .factories import make_client

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_no_server_error_and_no_response_breaks_the_schema(live_server, settings) -> None:
    # Thousands of generated requests: the limits would answer 429 to most of them.
    settings.PORTAL_RATE_LIMITS = {
        **settings.PORTAL_RATE_LIMITS,
        "api_client": "100000/m",
        "api_public": "100000/m",
    }
    group = make_group()
    make_member(group, consent=True)
    make_committee(group)
    active_account(make_cast())
    _, token = make_client(*Scope.values)
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/schema/?format=json",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            "25",
            "--seed",
            "2026",
            "--generation-database",
            "none",
            "--request-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "6 passed" in output or "passed" in output, output[-3000:]

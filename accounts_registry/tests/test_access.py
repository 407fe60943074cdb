"""Every registry URL for every role: the expected answer, 404 for objects not one's own."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts_registry import tasks
from accounts_registry.models import AnnualAudit
from accounts_registry.tests.factories import acknowledged, active_account, approved
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "alumnus",
    "requester",
    "approver",
    "other_approver",
    "director",
    "account_admin",
    "comms",
]
STAFF = {r: 200 for r in ROLES if r not in ("anonymous", "alumnus")}


def expect(default=None, **codes):
    table = {"anonymous": 302, "alumnus": 403}
    table.update(default or {})
    table.update(codes)
    return table


def objects_only(**allowed):
    """An object page: 404 for whoever is not entitled, login redirect for anonymous."""
    table = dict.fromkeys(ROLES, 404)
    table["anonymous"] = 302
    table.update(allowed)
    return table


# name -> (url args key, method, expected per role)
MATRIX = {
    "lookup": (None, "get", dict.fromkeys(ROLES, 200)),
    "my_requests": (None, "get", expect(STAFF)),
    "request_create": (None, "get", expect(STAFF)),
    "queue": (None, "get", expect(STAFF)),
    "directory": (None, "get", expect(STAFF)),
    "comms": (None, "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "request_detail": (
        "pending",
        "get",
        objects_only(requester=200, approver=200, director=200, account_admin=200, comms=200),
    ),
    "request_decide": (
        "pending",
        "post",
        objects_only(requester=302, approver=302, director=302, account_admin=302, comms=302),
    ),
    "acknowledge": ("pending", "get", objects_only(account_admin=200)),
    "activate": ("approved", "get", objects_only(requester=200)),
    "account_detail": ("account", "get", objects_only(**STAFF)),
    "record_activity": ("account", "get", objects_only(account_admin=200)),
    "handover": ("account", "get", objects_only(account_admin=200, comms=200)),
    "add_admin": ("account", "get", objects_only(account_admin=200, comms=200)),
    "audit": ("audit", "get", objects_only(account_admin=200)),
    "close": ("account", "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "keep": ("account", "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "account_register": (None, "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    # Last: the requester's POST withdraws the request. Others who see it get a refusal
    # message and the redirect back, like request_decide.
    "request_withdraw": (
        "pending",
        "post",
        objects_only(requester=302, approver=302, director=302, account_admin=302, comms=302),
    ),
}


@pytest.fixture
def world(cast):
    with time_machine.travel(
        datetime(2025, 6, 1, 10, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        account = active_account(cast)
    with time_machine.travel(
        datetime(2026, 6, 2, 10, tzinfo=timezone.get_default_timezone()), tick=False
    ):
        tasks.run_annual_audits()
    audit = AnnualAudit.objects.get(account=account)
    people = {
        "anonymous": None,
        "alumnus": make_user(Role.ALUMNUS),
        "requester": cast.requester,
        "approver": cast.approver,
        "other_approver": cast.other_approver,
        "director": cast.director,
        "account_admin": cast.admin1,
        "comms": cast.comms,
    }
    args = {
        None: [],
        "pending": [acknowledged(cast).pk],
        "approved": [approved(cast).pk],
        "account": [account.pk],
        "audit": [account.pk, audit.year],
    }
    return people, args


def test_matrix_names_every_url():
    from accounts_registry.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role):
    people, args = world
    if people[role] is not None:
        client.force_login(people[role])
    failures = []
    for name, (key, method, table) in MATRIX.items():
        url = reverse(f"accounts_registry:{name}", args=args[key])
        response = getattr(client, method)(url)
        if response.status_code != table[role]:
            failures.append(f"{name}: {response.status_code} != {table[role]}")
        if role == "anonymous" and table[role] == 302:
            assert "/accounts/login/" in response["Location"]
    assert not failures, f"{role}: " + "; ".join(failures)

"""Every registry URL for every role: the expected answer, 404 for objects not one's own."""

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts_registry import tasks
from accounts_registry.models import (
    AccountRequest,
    ActivityRecord,
    AdminAssignment,
    AdviceRequest,
    AnnualAudit,
    ApprovalDecision,
    DiscoveredAccount,
    GovernanceSettings,
    Handover,
    MonitoringToken,
    OfficialAccount,
    PolicyAcknowledgement,
    StandInApprover,
    TrainingRecord,
)
from accounts_registry.services.accounts import account_flag
from accounts_registry.services.advice import advice_request_create
from accounts_registry.services.discovered import discovered_import, discovered_rows_parse
from accounts_registry.services.monitoring_tokens import monitoring_token_create
from accounts_registry.tests.factories import acknowledged, active_account, approved, submitted
from moderation.models import Incident
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
    "other_admin",
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
    "report_impersonation": (None, "get", dict.fromkeys(ROLES, 200)),
    "report_thanks": (None, "get", dict.fromkeys(ROLES, 200)),
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
    "guidelines": ("account", "get", objects_only(account_admin=200, comms=200)),
    "close": ("account", "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "keep": ("account", "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "account_register": (None, "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "discovered": (None, "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "discovered_detail": ("found", "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "advice_list": (None, "get", expect(STAFF)),
    "advice_create": (None, "get", expect(STAFF)),
    "advice_detail": ("advice", "get", objects_only(account_admin=200, comms=200)),
    "monitoring_tokens": (None, "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    "monitoring_token_revoke": ("token", "post", expect(dict.fromkeys(STAFF, 403), comms=302)),
    # Token-authenticated, never by session: every role without a token is refused.
    "api_discovered": (None, "post", dict.fromkeys(ROLES, 401)),
    "training": (None, "get", expect(STAFF)),
    "policy_acknowledge": (None, "post", expect(dict.fromkeys(STAFF, 302))),
    "governance_settings": (None, "get", expect(dict.fromkeys(STAFF, 403), comms=200)),
    # Comms only; a GET is refused (405) once the role is checked.
    "request_stand_in": (
        "pending",
        "post",
        expect(dict.fromkeys(STAFF, 403), comms=302),
    ),
    # The administrators picker's search: JSON for every staff role.
    "people_search": (None, "get", expect(STAFF)),
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
    other_admins = [make_user(Role.STAFF), make_user(Role.STAFF)]
    active_account(cast, administrator_ids=[user.pk for user in other_admins])
    found = discovered_import(
        actor=cast.comms,
        rows=discovered_rows_parse([{"platform": "x", "handle": "UniFanClub"}]),
        source="csv",
    )
    advice = advice_request_create(
        actor=cast.admin2,
        account_id=account.pk,
        content="Draft about the strike",
        why_sensitive="Industrial action",
        urgency="normal",
    )
    people = {
        "anonymous": None,
        "alumnus": make_user(Role.ALUMNUS),
        "requester": cast.requester,
        "approver": cast.approver,
        "other_approver": cast.other_approver,
        "director": cast.director,
        "account_admin": cast.admin1,
        "other_admin": other_admins[0],
        "comms": cast.comms,
    }
    args = {
        None: [],
        "pending": [acknowledged(cast).pk],
        "approved": [approved(cast).pk],
        "account": [account.pk],
        "audit": [account.pk, audit.year],
        "found": found.ids,
        "token": [monitoring_token_create(actor=cast.comms, name="Matrix")[0].pk],
        "advice": [advice.pk],
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


# --- The effect of every POST ------------------------------------------------------------------
# A 302 says nothing on its own: a refused action redirects too. Each POST below is made by every
# role on a fresh world, and the database says whether it took effect; only the roles named may
# change anything.

STAFF_ROLES = {r for r in ROLES if r not in ("anonymous", "alumnus")}


def _audit_answers():
    answers = dict.fromkeys(
        [
            "still_needed",
            "activity_ok",
            "admins_correct",
            "passwords_changed",
            "two_factor_on",
            "guidelines_displayed",
        ],
        "yes",
    )
    return {**answers, "incidents": "", "outcome": "continue"}


def _post_cases(cast, objects):
    """name -> (url args, POST data for a role, "did it take effect?", roles whose POST acts)."""
    account, flagged, audit = objects["account"], objects["flagged"], objects["audit"]
    pending, fresh, ready = objects["pending"], objects["fresh"], objects["approved"]
    return {
        "request_create": (
            [],
            lambda role: {
                "unit": cast.unit.pk,
                "platform": "instagram",
                "proposed_name": "University Matrix",
                "proposed_handle": "UniMatrix",
                "purpose": "p",
                "audience": "a",
                "objectives": "o",
                "evaluation_plan": "e",
                "signoff_process": "s",
                "contact_email": "matrix-social@example.ac.uk",
                "administrators": [cast.admin1.email, cast.admin2.email],
            },
            lambda: AccountRequest.objects.filter(proposed_handle="unimatrix").exists(),
            STAFF_ROLES,
        ),
        "request_decide": (
            [pending.pk],
            lambda role: {
                "slot": "marcomms" if role == "director" else "unit",
                "decision": "approve",
                "reason": "",
            },
            lambda: ApprovalDecision.objects.filter(request=pending).exists(),
            {"approver", "director"},
        ),
        "request_stand_in": (
            [pending.pk],
            lambda role: {
                "slot": "unit",
                "email": cast.other_approver.email,
                "reason": "matrix",
            },
            lambda: StandInApprover.objects.filter(request=pending).exists(),
            {"comms"},
        ),
        "request_withdraw": (
            [pending.pk],
            lambda role: {"reason": "No longer needed."},
            lambda: _status(pending) == AccountRequest.Status.WITHDRAWN,
            {"requester"},
        ),
        "acknowledge": (
            [fresh.pk],
            lambda role: {"accept": "on"},
            lambda: fresh.administrators.filter(acknowledged_at__isnull=False).exists(),
            {"account_admin"},
        ),
        "activate": (
            [ready.pk],
            lambda role: {
                "handle": ready.proposed_handle,
                "url": "https://www.instagram.com/x/",
                "followers": 3,
            },
            lambda: _status(ready) == AccountRequest.Status.ACTIVE,
            {"requester"},
        ),
        "record_activity": (
            [account.pk],
            lambda role: {"kind": "check_in", "last_post_on": "", "note": "matrix"},
            lambda: ActivityRecord.objects.filter(account=account, note="matrix").exists(),
            {"account_admin"},
        ),
        "handover": (
            [account.pk],
            lambda role: {
                "leaving": cast.admin2.pk,
                "replacement": cast.requester.pk,
                "passwords_changed_confirmed": "on",
                "note": "",
            },
            lambda: Handover.objects.filter(account=account).exists(),
            {"account_admin", "comms"},
        ),
        "add_admin": (
            [account.pk],
            lambda role: {"user": cast.requester.pk, "reason": "matrix"},
            lambda: AdminAssignment.objects.filter(account=account, user=cast.requester).exists(),
            {"account_admin", "comms"},
        ),
        "audit": (
            [account.pk, audit.year],
            lambda role: _audit_answers(),
            lambda: AnnualAudit.objects.filter(pk=audit.pk, completed_at__isnull=False).exists(),
            {"account_admin"},
        ),
        "close": (
            [account.pk],
            lambda role: {"status": "deactivated", "reason": "matrix"},
            lambda: OfficialAccount.objects.get(pk=account.pk).status == "deactivated",
            {"comms"},
        ),
        "keep": (
            [flagged.pk],
            lambda role: {"reason": "matrix"},
            lambda: OfficialAccount.objects.get(pk=flagged.pk).status == "active",
            {"comms"},
        ),
        "account_register": (
            [],
            lambda role: {
                "unit": cast.unit.pk,
                "platform": "tiktok",
                "handle": "matrixexisting",
                "name": "Matrix",
                "url": "",
                "followers": 0,
                "administrators": [cast.admin1.pk, cast.admin2.pk],
                "contact_email": "",
            },
            lambda: OfficialAccount.objects.filter(handle="matrixexisting").exists(),
            {"comms"},
        ),
        # Public: anyone, signed in or not, may report an impostor.
        "report_impersonation": (
            [],
            lambda role: {
                "platform": "tiktok",
                "account": "@matrix_impostor",
                "details": "Uses our crest.",
                "contact_email": "",
                "website": "",
            },
            lambda: Incident.objects.filter(title__endswith="@matrix_impostor").exists(),
            set(ROLES),
        ),
        "guidelines": (
            [account.pk],
            lambda role: {},
            lambda: OfficialAccount.objects.get(pk=account.pk).guidelines_confirmed_at is not None,
            {"account_admin"},
        ),
        "discovered": (
            [],
            lambda role: {
                "export": SimpleUploadedFile(
                    "export.csv", b"platform,handle\ntiktok,@MatrixFound\n", "text/csv"
                )
            },
            lambda: DiscoveredAccount.objects.filter(handle="matrixfound").exists(),
            {"comms"},
        ),
        "discovered_detail": (
            [objects["found"].pk],
            lambda role: {"decision": "unrelated", "reason": "matrix"},
            lambda: DiscoveredAccount.objects.filter(decision="unrelated").exists(),
            {"comms"},
        ),
        "advice_create": (
            [],
            lambda role: {"content": "matrix draft", "why_sensitive": "w", "urgency": "normal"},
            lambda: AdviceRequest.objects.filter(content="matrix draft").exists(),
            STAFF_ROLES,
        ),
        "monitoring_tokens": (
            [],
            lambda role: {"name": "matrix client"},
            lambda: MonitoringToken.objects.filter(name="matrix client").exists(),
            {"comms"},
        ),
        "monitoring_token_revoke": (
            [objects["token"].pk],
            lambda role: {},
            lambda: MonitoringToken.objects.filter(revoked_at__isnull=False).exists(),
            {"comms"},
        ),
        "training": (
            [],
            lambda role: {"course": "Etiquette", "completed_on": timezone.localdate().isoformat()},
            lambda: TrainingRecord.objects.exists(),
            STAFF_ROLES,
        ),
        "policy_acknowledge": (
            [],
            lambda role: {"policy": "001"},
            lambda: PolicyAcknowledgement.objects.filter(policy="001").exists(),
            STAFF_ROLES,
        ),
        "governance_settings": (
            [],
            lambda role: {"training_required": "on", "training_valid_days": 400},
            lambda: GovernanceSettings.objects.filter(training_required=True).exists(),
            {"comms"},
        ),
        "advice_detail": (
            [objects["advice"].pk],
            lambda role: {"advice": "as_is", "answer": "Fine to post."},
            lambda: AdviceRequest.objects.filter(state="answered").exists(),
            {"comms"},
        ),
    }


def _status(request):
    return AccountRequest.objects.get(pk=request.pk).status


@pytest.fixture
def post_world(cast, world):
    people, args = world
    account = OfficialAccount.objects.get(pk=args["account"][0])
    flagged = active_account(cast)
    with transaction.atomic():
        locked = OfficialAccount.objects.select_for_update().get(pk=flagged.pk)
        account_flag(locked, actor=None, reason="matrix")
    objects = {
        "account": account,
        "flagged": flagged,
        "audit": AnnualAudit.objects.get(account=account),
        "pending": AccountRequest.objects.get(pk=args["pending"][0]),
        "approved": AccountRequest.objects.get(pk=args["approved"][0]),
        "fresh": submitted(cast),
        "found": DiscoveredAccount.objects.get(pk=args["found"][0]),
        "advice": AdviceRequest.objects.get(pk=args["advice"][0]),
        "token": MonitoringToken.objects.get(pk=args["token"][0]),
    }
    return people, _post_cases(cast, objects)


POSTS = [
    "request_create",
    "request_decide",
    "request_stand_in",
    "request_withdraw",
    "acknowledge",
    "activate",
    "record_activity",
    "handover",
    "add_admin",
    "audit",
    "close",
    "keep",
    "account_register",
    "report_impersonation",
    "guidelines",
    "discovered",
    "discovered_detail",
    "advice_create",
    "advice_detail",
    "training",
    "policy_acknowledge",
    "governance_settings",
    "monitoring_tokens",
    "monitoring_token_revoke",
]


READ_ONLY = {
    "lookup",
    "people_search",
    "report_thanks",
    "my_requests",
    "queue",
    "directory",
    "comms",
    "request_detail",
    "advice_list",
}


def test_every_url_but_the_read_only_ones_has_a_post_case():
    from accounts_registry.urls import urlpatterns

    # The monitoring API's POSTs are token-authenticated: test_monitoring_api covers them.
    others = READ_ONLY | {"account_detail", "api_discovered"}
    assert {p.name for p in urlpatterns} - others == set(POSTS)


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("role", ROLES)
def test_post_takes_effect_only_for_the_entitled(client, post_world, role, name):
    people, cases = post_world
    args, data, took_effect, actors = cases[name]
    if people[role] is not None:
        client.force_login(people[role])
    assert not took_effect(), f"{name}: already in effect before the POST"
    response = client.post(reverse(f"accounts_registry:{name}", args=args), data(role))
    assert response.status_code in (200, 302, 403, 404), response.status_code
    assert took_effect() == (role in actors), f"{role} POST {name}: {response.status_code}"

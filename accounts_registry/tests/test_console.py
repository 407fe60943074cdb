"""The comms governance console: every section's count is the length of the list under it,
each list holds exactly what it should, and the page costs a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_registry.jobs import annual_audits_sweep, inactivity_sweep
from accounts_registry.models import AnnualAudit
from accounts_registry.selectors import pending_request_rows
from accounts_registry.services.admins import account_handover
from accounts_registry.services.audits import audit_submit
from moderation.models import Incident
from moderation.services.decisions import item_decide
from moderation.services.incidents import incident_report, incident_transition
from moderation.services.items import ItemData, item_create
from moderation.services.removals import removal_request_create
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

from .factories import Cast, active_account, submitted

SECTIONS = (
    "pending",
    "no_approver",
    "stuck",
    "noncompliant",
    "audits",
    "in_grace",
    "flagged",
    "overdue_removals",
    "open_incidents",
    "backlog",
)
# With open advice, the triage count, the accounts without guidelines, and who may decide each
# pending request (its stand-ins, the units' approvers and the directors).
CONSOLE_QUERIES = 22


def build(cast: Cast) -> dict[str, int]:
    """A registry and a moderation desk with something in every section; returns the counts
    each section must show."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=420), tick=False):
        first, second, third = (active_account(cast) for _ in range(3))
    with time_machine.travel(now - timedelta(days=40), tick=False):
        annual_audits_sweep()  # due 10 days ago
        audit = AnnualAudit.objects.get(account=first)
        audit_submit(
            actor=cast.admin1,
            audit_id=audit.pk,
            still_needed=True,
            activity_ok=False,
            admins_correct=True,
            passwords_changed=True,
            two_factor_on=True,
            incidents="",
            outcome="continue",
        )
    with time_machine.travel(now - timedelta(days=20), tick=False):
        submitted(cast)  # stuck: 20 days old
        removal_request_create(
            actor=cast.comms,
            owner_name="Owner",
            owner_email="owner@example.com",
            content_description="A post",
            reason="004 §6.5",
            deadline=now - timedelta(days=10),
        )
    submitted(cast)
    removal_request_create(
        actor=cast.comms,
        owner_name="Later",
        owner_email="later@example.com",
        content_description="Another post",
        reason="004 §6.5",
        deadline=now + timedelta(days=2),
    )
    account_handover(
        actor=cast.comms,
        account_id=third.pk,
        leaving_id=cast.admin2.pk,
        replacement_id=None,
        passwords_changed_confirmed=True,
    )
    inactivity_sweep()  # every account silent for over a year: reminded, in its grace period
    reporter = make_user(Role.STAFF)
    for kind in (Incident.Kind.SECURITY_BREACH, Incident.Kind.POLICY_BREACH, "staff_harassment"):
        last = incident_report(actor=reporter, kind=kind, title=kind, description="d")
    incident_transition(actor=cast.comms, incident_id=last.pk, to_state="closed", note="done")
    texts = ("one", "two", "three")
    items = [
        item_create(actor=cast.comms, channel_id=second.pk, data=ItemData(text=t))[0] for t in texts
    ]
    item_decide(actor=cast.comms, item_id=items[0].pk, outcome="keep", reason="fine")
    return {
        "pending": 2,
        "no_approver": 0,
        "stuck": 1,
        "noncompliant": 1,
        "audits": 3,  # one answered "no", two overdue
        "in_grace": 3,
        "flagged": 0,
        "overdue_removals": 1,
        "open_incidents": 2,
        "backlog": 1,
    }


@pytest.fixture
def comms_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.comms)
    return client


def test_each_count_equals_its_list(cast: Cast, comms_client: Client) -> None:
    expected = build(cast)
    response = comms_client.get(reverse("accounts_registry:comms"))
    context = response.context
    page = response.content.decode()
    for key in SECTIONS:
        assert context["counts"][key] == len(context[key]) == expected[key], key
    assert context["facts"].backlog_items == 2
    severities = dict(context["facts"].incidents_by_severity)
    assert (severities["High"], severities["Medium"], severities["Critical"]) == (1, 1, 0)
    assert dict(context["facts"].incidents_by_owner) == {"Nobody yet": 2}
    stuck = context["stuck"][0]
    assert stuck.working_days >= 10 and "Waiting for the policy acknowledgement" in stuck.waiting_on
    whys = sorted(why for _audit, why in context["audits"])
    assert whys[0] == "Answered no: activity" and whys[1].startswith("Overdue since")
    for title in ("Pending account requests", "Stuck approvals", "Open incidents"):
        assert title in page
    assert f"Overdue removals ({expected['overdue_removals']})" in page


def test_overdue_removals_match_the_removals_list(cast: Cast, comms_client: Client) -> None:
    build(cast)
    console = comms_client.get(reverse("accounts_registry:comms")).context["overdue_removals"]
    listed = comms_client.get(reverse("moderation:removal_list")).context["requests"]
    assert [r.pk for r in console] == [r.pk for r in listed if r.is_overdue]


def test_stuck_after_five_working_days(cast: Cast) -> None:
    submitted(cast)
    assert [r.stuck for r in pending_request_rows()] == [False]
    later = timezone.now() + timedelta(days=9)
    assert [r.stuck for r in pending_request_rows(now=later)] == [True]


def test_console_query_count_is_pinned(
    cast: Cast, comms_client: Client, django_assert_num_queries
) -> None:
    build(cast)
    url = reverse("accounts_registry:comms")
    comms_client.get(url)  # warm the per-process caches
    with django_assert_num_queries(CONSOLE_QUERIES):
        comms_client.get(url)


@pytest.mark.parametrize("role", [Role.STAFF, Role.MARCOMMS_DIRECTOR])
def test_console_is_for_comms_only(db: None, role: Role) -> None:
    client = Client()
    user: User = make_user(role)
    client.force_login(user)
    assert client.get(reverse("accounts_registry:comms")).status_code == 403

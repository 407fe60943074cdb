"""Pages: the request flow through the forms, queue, directory (constant queries), lookup."""

import pytest
from django.urls import reverse

from accounts_registry.models import AccountRequest, AdminAssignment, OfficialAccount
from accounts_registry.services.admins import account_handover
from accounts_registry.tests.factories import acknowledged, active_account, submitted
from portal.models import OrgUnit

pytestmark = pytest.mark.django_db


def form_data(cast, **overrides):
    data = {
        "unit": cast.unit.pk,
        "platform": "instagram",
        "proposed_name": "University Social Sciences",
        "proposed_handle": "@UniSocSci",
        "purpose": "Research news.",
        "audience": "Students.",
        "objectives": "Engagement.",
        "evaluation_plan": "Quarterly review.",
        "signoff_process": "Two-person check.",
        "contact_email": "socsci-social@example.ac.uk",
        "administrators": [cast.admin1.email, cast.admin2.email],
    }
    data.update(overrides)
    return data


def test_request_form_shows_each_reason(client, cast):
    client.force_login(cast.requester)
    response = client.post(
        reverse("accounts_registry:request_create"),
        form_data(
            cast,
            proposed_handle="LMUsoc",
            contact_email=cast.admin1.email,
            administrators=[cast.admin1.email],
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert 'Naming rule "required prefix"' in " ".join(errors["proposed_handle"])
    assert 'Naming rule "banned abbreviation"' in " ".join(errors["proposed_handle"])
    assert "person's own email address" in " ".join(errors["contact_email"])
    assert "at least two" in " ".join(errors["administrators"])
    assert not AccountRequest.objects.exists()


def test_full_flow_through_the_pages(client, cast):
    client.force_login(cast.requester)
    response = client.post(reverse("accounts_registry:request_create"), form_data(cast))
    request = AccountRequest.objects.get()
    assert response.status_code == 302 and request.proposed_handle == "unisocsci"
    page = client.get(reverse("accounts_registry:my_requests")).content.decode()
    assert "Waiting for the policy acknowledgement" in page
    for admin in (cast.admin1, cast.admin2):
        client.force_login(admin)
        assert (
            client.post(
                reverse("accounts_registry:acknowledge", args=[request.pk]), {"accept": "on"}
            ).status_code
            == 302
        )
    client.force_login(cast.other_approver)
    assert request not in client.get(reverse("accounts_registry:queue")).context["requests"]
    for person, slot in ((cast.director, "marcomms"), (cast.approver, "unit")):
        client.force_login(person)
        assert list(client.get(reverse("accounts_registry:queue")).context["requests"]) == [request]
        detail = client.get(reverse("accounts_registry:request_detail", args=[request.pk]))
        assert detail.context["slots"] == [slot]
        client.post(
            reverse("accounts_registry:request_decide", args=[request.pk]),
            {"slot": slot, "decision": "approve"},
        )
        assert list(client.get(reverse("accounts_registry:queue")).context["requests"]) == []
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.APPROVED
    client.force_login(cast.requester)
    response = client.post(
        reverse("accounts_registry:activate", args=[request.pk]),
        {"handle": "UniSocSci", "url": "https://www.instagram.com/unisocsci/", "followers": 350},
    )
    account = OfficialAccount.objects.get()
    assert response.status_code == 302 and account.status == "active"
    client.logout()
    found = client.get(
        reverse("accounts_registry:lookup"), {"platform": "instagram", "handle": "@UNISOCSCI"}
    )
    assert found.context["account"] == account
    assert "Yes, this is an official account" in found.content.decode()


def test_rejection_without_reason_is_refused_with_a_message(client, cast):
    request = acknowledged(cast)
    client.force_login(cast.director)
    response = client.post(
        reverse("accounts_registry:request_decide", args=[request.pk]),
        {"slot": "marcomms", "decision": "reject", "reason": ""},
        follow=True,
    )
    assert "Give a reason" in response.content.decode()
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING


def test_queue_hides_requests_not_yet_acknowledged(client, cast):
    submitted(cast)
    client.force_login(cast.director)
    assert list(client.get(reverse("accounts_registry:queue")).context["requests"]) == []


def test_lookup_ignores_closed_and_unknown(client, cast):
    account = active_account(cast)
    OfficialAccount.objects.filter(pk=account.pk).update(status="deactivated")
    response = client.get(
        reverse("accounts_registry:lookup"),
        {"platform": account.platform, "handle": account.handle},
    )
    assert response.context["account"] is None
    assert "No official account matches" in response.content.decode()


def _bulk_accounts(n, unit, admins):
    accounts = OfficialAccount.objects.bulk_create(
        OfficialAccount(unit=unit, platform="x", handle=f"unibulk{i}", name=f"Bulk {i}")
        for i in range(n)
    )
    AdminAssignment.objects.bulk_create(
        AdminAssignment(account=a, user=u) for a in accounts for u in admins
    )


# Queries of one directory page, whatever the number of accounts: session, user (roles and the
# two-factor state come from the shared cache), the count, the unit filter's choices, the page of
# accounts and their current admins (one prefetch). Pinned, so one more query shows at once.
DIRECTORY_QUERIES = 6


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize(
    "params", [{}, {"compliance": "compliant", "platform": "x", "status": "open"}]
)
def test_directory_query_count_is_pinned(client, cast, django_assert_num_queries, params, size):
    client.force_login(cast.comms)
    _bulk_accounts(size, cast.unit, [cast.admin1, cast.admin2])
    client.get(
        reverse("accounts_registry:directory"), params
    )  # warm the per-process caches (content types, guardian)
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get(reverse("accounts_registry:directory"), params)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


def test_dashboard_panel_and_nav(client, cast):
    acknowledged(cast)
    client.force_login(cast.director)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "1 request waiting for your decision" in page
    assert "Official accounts" in page
    unit = OrgUnit.objects.get(slug="social-sciences")
    assert unit


def test_comms_page_lists_flagged_noncompliant_and_reminders(client, cast):
    from accounts_registry.jobs import inactivity_sweep
    from accounts_registry.services.admins import account_handover

    account = active_account(cast)
    account_handover(
        actor=cast.comms,
        account_id=account.pk,
        leaving_id=cast.admin2.pk,
        replacement_id=None,
        passwords_changed_confirmed=True,
    )
    client.force_login(cast.comms)
    page = client.get(reverse("accounts_registry:comms")).content.decode()
    assert account.name in page and "Account with fewer than two admins reported" in page
    assert inactivity_sweep().reminded == 0


# Pinned counts of the other list pages, for one row and for five: session, user (roles,
# two-factor state and the menus' "administers an account" from the shared cache), then the
# page's own reads (prefetches, not a query per row). Each is measured after one warm-up request,
# so per-process caches do not count.
MY_REQUESTS_QUERIES = 6
QUEUE_QUERIES = 3
# The governance console: registry reads, moderation.api's four, open advice, the triage
# count and the accounts without guidelines.
COMMS_QUERIES = 15


@pytest.mark.parametrize("size", [1, 5])
def test_my_requests_query_count_is_pinned(client, cast, django_assert_num_queries, size):
    for _ in range(size):
        submitted(cast)
    client.force_login(cast.requester)
    client.get(
        reverse("accounts_registry:my_requests")
    )  # warm the per-process caches (content types, guardian)
    with django_assert_num_queries(MY_REQUESTS_QUERIES):
        response = client.get(reverse("accounts_registry:my_requests"))
    assert len(response.context["requests"]) == size


@pytest.mark.parametrize("size", [1, 5])
def test_queue_query_count_is_pinned(client, cast, django_assert_num_queries, size):
    for _ in range(size):
        acknowledged(cast)
    client.force_login(cast.director)
    client.get(
        reverse("accounts_registry:queue")
    )  # warm the per-process caches (content types, guardian)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("accounts_registry:queue"))
    assert len(response.context["requests"]) == size


@pytest.mark.parametrize("size", [1, 5])
def test_comms_page_query_count_is_pinned(client, cast, django_assert_num_queries, size):
    for _ in range(size):
        account = active_account(cast)
        account_handover(
            actor=cast.comms,
            account_id=account.pk,
            leaving_id=cast.admin2.pk,
            replacement_id=None,
            passwords_changed_confirmed=True,
        )
    client.force_login(cast.comms)
    client.get(
        reverse("accounts_registry:comms")
    )  # warm the per-process caches (content types, guardian)
    with django_assert_num_queries(COMMS_QUERIES):
        response = client.get(reverse("accounts_registry:comms"))
    assert len(response.context["noncompliant"]) == size

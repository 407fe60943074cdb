"""The Django admin goes through the services: what a superuser may add, change and delete.

The table below is the whole admin. A model registered without a row fails the test, so a new
model cannot slip in with Django's default add/change/delete; every inline must be read-only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts_registry.models import AccountRequest
from accounts_registry.tests.factories import active_account, make_cast, submitted
from groups.models import AlumniGroup, CommitteeMembership
from groups.tests.factories import make_committee, make_group
from moderation.models import Category, ChannelToken
from moderation.services.tokens import token_create
from moderation.tests.factories import make_channel
from portal.models import AuditEvent, OrgUnit, User
from portal.roles import Role
from portal.tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db

VIEW_ONLY = (False, False, False)

# "app_label.ModelName": (add, change, delete, admin actions) for a superuser.
EXPECTED: dict[str, tuple[bool, bool, bool, frozenset[str]]] = {
    # Platform: people are corrected and added (audited) but never deleted; roles are read-only.
    "portal.User": (True, True, False, frozenset()),
    "portal.OrgUnit": (True, True, True, frozenset({"delete_selected"})),
    "portal.RoleGrant": (*VIEW_ONLY, frozenset()),  # written by portal.people
    "portal.DirectorDelegation": (*VIEW_ONLY, frozenset()),
    "portal.AuditEvent": (*VIEW_ONLY, frozenset()),
    "portal.Reminder": (*VIEW_ONLY, frozenset()),
    "portal.OutboundEmail": (*VIEW_ONLY, frozenset()),
    "auth.Group": (*VIEW_ONLY, frozenset()),
    "account.EmailAddress": (*VIEW_ONLY, frozenset()),
    "mfa.Authenticator": (*VIEW_ONLY, frozenset()),
    "socialaccount.SocialAccount": (*VIEW_ONLY, frozenset()),
    # Registry: every row changes through the portal's pages.
    "accounts_registry.AccountRequest": (*VIEW_ONLY, frozenset()),
    "accounts_registry.OfficialAccount": (*VIEW_ONLY, frozenset()),
    "accounts_registry.RequestedAdministrator": (*VIEW_ONLY, frozenset()),
    "accounts_registry.ApprovalDecision": (*VIEW_ONLY, frozenset()),
    "accounts_registry.AdminAssignment": (*VIEW_ONLY, frozenset()),
    "accounts_registry.Handover": (*VIEW_ONLY, frozenset()),
    "accounts_registry.ActivityRecord": (*VIEW_ONLY, frozenset()),
    "accounts_registry.AnnualAudit": (*VIEW_ONLY, frozenset()),
    "accounts_registry.DiscoveredAccount": (*VIEW_ONLY, frozenset()),
    "accounts_registry.MonitoringToken": (*VIEW_ONLY, frozenset()),
    "accounts_registry.AdviceRequest": (*VIEW_ONLY, frozenset()),
    "accounts_registry.TrainingRecord": (*VIEW_ONLY, frozenset()),
    "accounts_registry.PolicyAcknowledgement": (*VIEW_ONLY, frozenset()),
    "accounts_registry.GovernanceSettings": (*VIEW_ONLY, frozenset()),
    # Alumni: records change by import, verifications through the queue's services.
    "alumni.AlumniRecord": (*VIEW_ONLY, frozenset()),
    "alumni.Verification": (*VIEW_ONLY, frozenset({"rematch"})),
    # Groups: details through group_create/update, status and seat ends through actions.
    "groups.AlumniGroup": (
        True,
        True,
        False,
        frozenset({"mark_active", "mark_dormant", "mark_closed"}),
    ),
    "groups.CommitteeMembership": (False, True, False, frozenset({"end_seats"})),
    "groups.Membership": (*VIEW_ONLY, frozenset()),
    "groups.MembershipChange": (*VIEW_ONLY, frozenset()),
    "groups.ConsentEvent": (*VIEW_ONLY, frozenset()),
    "groups.AnnualPlan": (*VIEW_ONLY, frozenset()),
    "groups.GroupRequest": (*VIEW_ONLY, frozenset()),
    "groups.RequestMessage": (*VIEW_ONLY, frozenset()),
    "groups.RequestPause": (*VIEW_ONLY, frozenset()),
    "groups.Communication": (*VIEW_ONLY, frozenset()),
    "groups.Delivery": (*VIEW_ONLY, frozenset()),
    "groups.OutsidePresence": (*VIEW_ONLY, frozenset()),
    "groups.PageChange": (*VIEW_ONLY, frozenset()),
    # Integration: clients are created and revoked on the API clients page (integration.services).
    "integration.ApiClient": (*VIEW_ONLY, frozenset()),
    # Mentoring: programmes through programme_create/update; the rest is view-only.
    "mentoring.Programme": (True, True, False, frozenset()),
    "mentoring.MentorApplication": (*VIEW_ONLY, frozenset()),
    "mentoring.MenteeApplication": (*VIEW_ONLY, frozenset()),
    "mentoring.MatchRun": (*VIEW_ONLY, frozenset()),
    "mentoring.ProposedPair": (*VIEW_ONLY, frozenset()),
    "mentoring.MatchConstraint": (*VIEW_ONLY, frozenset()),
    "mentoring.Partnership": (*VIEW_ONLY, frozenset()),
    "mentoring.Meeting": (*VIEW_ONLY, frozenset()),
    "mentoring.Unavailability": (*VIEW_ONLY, frozenset()),
    "mentoring.Concern": (*VIEW_ONLY, frozenset()),
    "mentoring.ConcernNote": (*VIEW_ONLY, frozenset()),
    "mentoring.SurveyResponse": (*VIEW_ONLY, frozenset()),
    # Moderation: categories are reference data (category_save); tokens are revoked by action.
    "moderation.Category": (True, True, True, frozenset({"delete_selected"})),
    "moderation.ChannelToken": (*VIEW_ONLY, frozenset({"revoke_tokens"})),
    "moderation.Item": (*VIEW_ONLY, frozenset()),
    "moderation.Decision": (*VIEW_ONLY, frozenset()),
    "moderation.Incident": (*VIEW_ONLY, frozenset()),
    "moderation.Escalation": (*VIEW_ONLY, frozenset()),
    "moderation.RemovalRequest": (*VIEW_ONLY, frozenset()),
}


def superuser_request(user: User) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


@pytest.fixture
def superuser() -> User:
    return make_user(is_staff=True, is_superuser=True)  # staff: enrolled in TOTP


def test_every_registered_model_has_an_expected_row() -> None:
    registered = {model._meta.label for model in admin.site._registry}
    assert registered - EXPECTED.keys() == set(), "registered in the admin but not in EXPECTED"
    assert EXPECTED.keys() - registered == set(), "in EXPECTED but no longer registered"


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_superuser_permissions_match_the_table(label: str, superuser: User) -> None:
    model = next(m for m in admin.site._registry if m._meta.label == label)
    model_admin = admin.site._registry[model]
    request = superuser_request(superuser)
    add, change, delete, actions = EXPECTED[label]
    got = (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request),
        model_admin.has_delete_permission(request),
    )
    assert got == (add, change, delete), label
    assert model_admin.has_view_permission(request), label
    assert set(model_admin.get_actions(request)) == actions, label


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_every_inline_is_read_only(label: str, superuser: User) -> None:
    model = next(m for m in admin.site._registry if m._meta.label == label)
    model_admin = admin.site._registry[model]
    request = superuser_request(superuser)
    for inline_class in model_admin.inlines:
        inline = inline_class(model, admin.site)
        got = (
            inline.has_add_permission(request, None),
            inline.has_change_permission(request, None),
            inline.has_delete_permission(request, None),
        )
        assert got == VIEW_ONLY, f"{label} inline {inline_class.__name__}"
        assert not inline.can_delete, inline_class.__name__


def test_the_admin_refuses_anonymous_users() -> None:
    request = superuser_request(make_user())
    request.user = AnonymousUser()
    assert not admin.site.has_permission(request)


# --- Over HTTP --------------------------------------------------------------------------------


def test_workflow_models_cannot_be_added(client: Client, superuser: User) -> None:
    client.force_login(superuser)
    for model in (AccountRequest, CommitteeMembership, ChannelToken):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert client.get(reverse("admin:accounts_registry_officialaccount_add")).status_code == 403


def test_a_post_to_a_view_only_change_page_changes_nothing(client: Client, superuser: User) -> None:
    request = submitted(make_cast())
    client.force_login(superuser)
    url = reverse("admin:accounts_registry_accountrequest_change", args=[request.pk])
    assert client.get(url).status_code == 200  # the detail view stays useful
    response = client.post(url, {"status": AccountRequest.Status.APPROVED, "proposed_name": "X"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == AccountRequest.Status.PENDING
    delete = reverse("admin:accounts_registry_accountrequest_delete", args=[request.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_official_accounts_cannot_be_changed_or_deleted(client: Client, superuser: User) -> None:
    account = active_account(make_cast())
    client.force_login(superuser)
    change = reverse("admin:accounts_registry_officialaccount_change", args=[account.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"status": "closed", "name": "Renamed"}).status_code == 403
    account.refresh_from_db()
    assert account.name != "Renamed"


def _group_form(group: AlumniGroup, **changes: str) -> dict[str, str]:
    data = {
        "name": group.name,
        "kind": group.kind,
        "place": group.place,
        "country": group.country,
        "description": group.description,
        "committee-TOTAL_FORMS": "0",
        "committee-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_group_edit_goes_through_the_service_and_cannot_set_the_status(client: Client) -> None:
    staff_superuser = make_user(Role.ENGAGEMENT_STAFF, is_staff=True, is_superuser=True)
    group = make_group(name="Alumni of Lagos", slug="lagos", place="")
    client.force_login(staff_superuser)
    url = reverse("admin:groups_alumnigroup_change", args=[group.pk])
    response = client.post(url, _group_form(group, place="Lagos", status="closed", slug="x"))
    assert response.status_code == 302, response.content[:3000]
    group.refresh_from_db()
    assert (group.place, group.status, group.slug) == ("Lagos", AlumniGroup.Status.ACTIVE, "lagos")
    event = AuditEvent.objects.for_object(group).get(action="groups.group.updated")
    assert (event.old, event.new, event.actor) == (
        {"place": ""},
        {"place": "Lagos"},
        staff_superuser,
    )


def test_group_status_changes_by_action_through_the_service(client: Client) -> None:
    staff_superuser = make_user(Role.ENGAGEMENT_STAFF, is_staff=True, is_superuser=True)
    group = make_group()
    client.force_login(staff_superuser)
    response = client.post(
        reverse("admin:groups_alumnigroup_changelist"),
        {"action": "mark_dormant", "_selected_action": [group.pk]},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == AlumniGroup.Status.DORMANT
    event = AuditEvent.objects.for_object(group).get(action="groups.group.updated")
    assert event.new == {"status": "dormant"}


def test_a_service_refusal_is_a_message_not_a_change(client: Client, superuser: User) -> None:
    """A superuser outside the engagement team meets the service's rule like anyone else."""
    group = make_group(place="")
    client.force_login(superuser)
    url = reverse("admin:groups_alumnigroup_change", args=[group.pk])
    response = client.post(url, _group_form(group, place="Elsewhere"), follow=True)
    assert response.status_code == 200
    assert "Only the Alumni Engagement team" in response.content.decode()
    group.refresh_from_db()
    assert group.place == ""
    assert not AuditEvent.objects.for_object(group).filter(action="groups.group.updated").exists()


def test_committee_role_change_is_audited_and_seats_cannot_be_deleted(client: Client) -> None:
    staff_superuser = make_user(Role.ENGAGEMENT_STAFF, is_staff=True, is_superuser=True)
    group = make_group()
    member = make_committee(group)
    seat = CommitteeMembership.objects.get(group=group, user=member)
    client.force_login(staff_superuser)
    url = reverse("admin:groups_committeemembership_change", args=[seat.pk])
    response = client.post(url, {"role": CommitteeMembership.Role.TREASURER, "ended_at": "x"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.role, seat.ended_at) == (CommitteeMembership.Role.TREASURER, None)
    event = AuditEvent.objects.for_object(seat).get(action="groups.committee.role_changed")
    assert event.new == {"role": "treasurer"}
    delete = reverse("admin:groups_committeemembership_delete", args=[seat.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert CommitteeMembership.objects.filter(pk=seat.pk).exists()


def test_ending_a_seat_in_the_admin_removes_committee_access(client: Client) -> None:
    staff_superuser = make_user(Role.ENGAGEMENT_STAFF, is_staff=True, is_superuser=True)
    group = make_group()
    member = make_committee(group)
    seat = CommitteeMembership.objects.get(group=group, user=member)
    committee_url = reverse("groups:committee_home", args=[group.slug])
    member_client = Client()
    member_client.force_login(member)
    assert member_client.get(committee_url).status_code == 200

    client.force_login(staff_superuser)
    response = client.post(
        reverse("admin:groups_committeemembership_changelist"),
        {"action": "end_seats", "_selected_action": [seat.pk]},
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ended_at is not None
    assert AuditEvent.objects.for_object(seat).filter(action="groups.committee.ended").exists()
    assert member_client.get(committee_url).status_code == 404
    # An ended seat is history: no longer editable.
    change = reverse("admin:groups_committeemembership_change", args=[seat.pk])
    assert client.post(change, {"role": CommitteeMembership.Role.CHAIR}).status_code == 403


def test_tokens_are_revoked_through_the_service(client: Client, superuser: User) -> None:
    channel = make_channel()
    token, _plain = token_create(actor=superuser, channel_id=channel.pk, name="CSV bot")
    client.force_login(superuser)
    change = reverse("admin:moderation_channeltoken_change", args=[token.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert token.token_hash not in page.content.decode()
    response = client.post(
        reverse("admin:moderation_channeltoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == superuser
    assert AuditEvent.objects.for_object(channel).filter(action="moderation.token.revoked").exists()
    delete = reverse("admin:moderation_channeltoken_delete", args=[token.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


# --- Reference data ---------------------------------------------------------------------------


def test_org_unit_create_change_and_delete_are_audited(client: Client, superuser: User) -> None:
    client.force_login(superuser)
    add = reverse("admin:portal_orgunit_add")
    response = client.post(add, {"name": "School of Law", "slug": "law", "kind": "school"})
    assert response.status_code == 302, response.content[:3000]
    unit = OrgUnit.objects.get(slug="law")
    created = AuditEvent.objects.for_object(unit).get(action="portal.admin.orgunit.created")
    assert created.new["name"] == "School of Law" and created.actor == superuser

    change = reverse("admin:portal_orgunit_change", args=[unit.pk])
    data = {"name": "Law School", "slug": "law", "kind": "school"}
    assert client.post(change, data).status_code == 302
    changed = AuditEvent.objects.for_object(unit).get(action="portal.admin.orgunit.changed")
    assert (changed.old, changed.new) == ({"name": "School of Law"}, {"name": "Law School"})
    assert client.post(change, data).status_code == 302  # nothing changed: nothing recorded
    assert AuditEvent.objects.for_object(unit).filter(action__endswith=".changed").count() == 1

    delete = reverse("admin:portal_orgunit_delete", args=[unit.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()
    deleted = AuditEvent.objects.get(action="portal.admin.orgunit.deleted", target_id=str(unit.pk))
    assert deleted.old["name"] == "Law School"


def test_bulk_delete_of_org_units_audits_each(client: Client, superuser: User) -> None:
    units = [make_unit(), make_unit()]
    client.force_login(superuser)
    response = client.post(
        reverse("admin:portal_orgunit_changelist"),
        {"action": "delete_selected", "_selected_action": [u.pk for u in units], "post": "yes"},
    )
    assert response.status_code == 302
    assert not OrgUnit.objects.filter(pk__in=[u.pk for u in units]).exists()
    ids = set(
        AuditEvent.objects.filter(action="portal.admin.orgunit.deleted").values_list(
            "target_id", flat=True
        )
    )
    assert ids == {str(u.pk) for u in units}


def _category_form(category: Category, **changes: Any) -> dict[str, Any]:
    data = {
        "code": category.code,
        "name": category.name,
        "clause": category.clause,
        "description": category.description,
        "severity": category.severity,
        "rule_codes": "[]",
        "active": "on",
        "target_amount": category.target_amount,
        "target_unit": category.target_unit,
    }
    data.update(changes)
    return data


def test_category_edits_go_through_the_service(client: Client) -> None:
    category = Category.objects.create(
        code="admin-test", name="Admin test", clause="001 §1", severity=2
    )
    comms_superuser = make_user(Role.COMMS_STAFF, is_staff=True, is_superuser=True)
    client.force_login(comms_superuser)
    url = reverse("admin:moderation_category_change", args=[category.pk])
    assert client.post(url, _category_form(category, severity=3)).status_code == 302
    event = AuditEvent.objects.for_object(category).get(action="moderation.category.updated")
    assert (event.old, event.new) == ({"severity": 2}, {"severity": 3})
    # The response target too: through the service, audited.
    target = {"target_amount": 2, "target_unit": "hours"}
    assert client.post(url, _category_form(category, severity=3, **target)).status_code == 302
    changed = AuditEvent.objects.for_object(category).filter(action="moderation.category.updated")
    assert changed.order_by("-id")[0].new == target


def test_category_edits_refused_to_a_superuser_outside_comms(
    client: Client, superuser: User
) -> None:
    category = Category.objects.create(
        code="admin-test", name="Admin test", clause="001 §1", severity=2
    )
    client.force_login(superuser)
    url = reverse("admin:moderation_category_change", args=[category.pk])
    response = client.post(url, _category_form(category, severity=4), follow=True)
    assert "Only comms staff edit the categories." in response.content.decode()
    category.refresh_from_db()
    assert category.severity == 2


# --- People -----------------------------------------------------------------------------------


def _user_form(user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_roles_are_read_only_and_name_changes_are_audited(client: Client, superuser: User) -> None:
    person = make_user(Role.ALUMNUS, first_name="Ada", last_name="Lovelace")
    client.force_login(superuser)
    url = reverse("admin:portal_user_change", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Roles are granted on the People and roles page" in page
    assert reverse("portal:person", args=[person.pk]) in page
    staff_group = person.groups.get()
    form = _user_form(
        person,
        first_name="Augusta",
        email="someone.else@example.ac.uk",
        is_staff="on",
        is_superuser="on",
        groups=[staff_group.pk],
        is_active="",
    )
    form.pop("is_active")
    response = client.post(url, form)
    assert response.status_code == 302, response.content[:3000]
    person.refresh_from_db()
    assert (person.first_name, person.is_active) == ("Augusta", False)
    assert person.email != "someone.else@example.ac.uk"  # the verified sign-in address stays
    assert (person.is_staff, person.is_superuser) == (False, False)
    assert list(person.groups.all()) == [staff_group]
    event = AuditEvent.objects.for_object(person).get(action="portal.admin.user.changed")
    assert event.old == {"first_name": "Ada", "is_active": True}
    assert event.new == {"first_name": "Augusta", "is_active": False}
    assert event.actor == superuser


def test_adding_a_person_is_audited_and_grants_no_role(client: Client, superuser: User) -> None:
    client.force_login(superuser)
    response = client.post(
        reverse("admin:portal_user_add"),
        {
            "email": "new.person@example.ac.uk",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    person = User.objects.get(email="new.person@example.ac.uk")
    assert not (person.is_staff or person.is_superuser or person.groups.exists())
    event = AuditEvent.objects.for_object(person).get(action="portal.admin.user.created")
    assert event.new["email"] == "new.person@example.ac.uk"


def test_people_cannot_be_deleted_in_the_admin(client: Client, superuser: User) -> None:
    person = make_user(Role.ALUMNUS)
    client.force_login(superuser)
    delete = reverse("admin:portal_user_delete", args=[person.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=person.pk).exists()


def test_authenticator_secrets_are_not_shown(client: Client, superuser: User) -> None:
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.get(user=superuser)
    client.force_login(superuser)
    url = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "secret" not in page.content.decode().lower()


def test_setting_a_password_in_the_admin_is_audited(client: Client, superuser: User) -> None:
    person = make_user(Role.ALUMNUS)
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    passphrase = "another-long-passphrase-77"
    response = client.post(url, {"password1": passphrase, "password2": passphrase})
    assert response.status_code == 302, response.content[:3000]
    person.refresh_from_db()
    assert person.check_password(passphrase)
    event = AuditEvent.objects.for_object(person).get(action="portal.admin.user.password_set")
    assert event.actor == superuser


def test_the_committee_inline_cannot_change_or_delete_seats(client: Client) -> None:
    staff_superuser = make_user(Role.ENGAGEMENT_STAFF, is_staff=True, is_superuser=True)
    group = make_group(place="")
    member = make_committee(group)
    seat = CommitteeMembership.objects.get(group=group, user=member)
    client.force_login(staff_superuser)
    form = _group_form(group, place="Mombasa")
    form.update(
        {
            "committee-TOTAL_FORMS": "1",
            "committee-INITIAL_FORMS": "1",
            "committee-0-id": str(seat.pk),
            "committee-0-group": str(group.pk),
            "committee-0-role": CommitteeMembership.Role.TREASURER,
            "committee-0-DELETE": "on",
        }
    )
    response = client.post(reverse("admin:groups_alumnigroup_change", args=[group.pk]), form)
    assert response.status_code == 302, response.content[:3000]
    seat.refresh_from_db()
    assert (seat.role, seat.ended_at) == (CommitteeMembership.Role.CHAIR, None)


def test_every_list_and_detail_page_renders(client: Client, superuser: User) -> None:
    from mentoring.tests.factories import pair

    make_committee(make_group())
    active_account(make_cast())
    pair()
    token_create(actor=superuser, channel_id=make_channel().pk, name="bot")
    client.force_login(superuser)
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_adding_a_group_goes_through_the_service(client: Client) -> None:
    staff_superuser = make_user(Role.ENGAGEMENT_STAFF, is_staff=True, is_superuser=True)
    client.force_login(staff_superuser)
    form = {
        "name": "Alumni in Accra",
        "slug": "accra",
        "kind": AlumniGroup.Kind.REGIONAL,
        "place": "Accra",
        "country": "Ghana",
        "description": "",
        "status": AlumniGroup.Status.CLOSED,  # read-only: a new group starts active
        "committee-TOTAL_FORMS": "0",
        "committee-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:groups_alumnigroup_add"), form)
    assert response.status_code == 302, response.content[:3000]
    group = AlumniGroup.objects.get(slug="accra")
    assert group.status == AlumniGroup.Status.ACTIVE
    assert AuditEvent.objects.for_object(group).filter(action="groups.group.created").exists()

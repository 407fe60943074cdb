"""People and roles: the services, the director delegation's dates, the pages and who sees them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts_registry.errors import RegistryError
from accounts_registry.models import AccountRequest, ApprovalDecision
from accounts_registry.services.requests import request_decide
from accounts_registry.tests.factories import acknowledged, make_cast
from portal import access_cache, people
from portal.models import AuditEvent, DirectorDelegation, OrgUnit, RoleGrant, User
from portal.people import PeopleError
from portal.people_selectors import describe_role_event, role_history_of, users_acting_as
from portal.permissions import has_object_role, has_role, is_staff_member, roles_of
from portal.roles import STAFF_ROLES, Role
from portal.tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db

APPROVE = "portal.approve_account_requests"
LONDON = timezone.get_default_timezone()


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def fresh(user: User) -> User:
    """A new user object: role and guardian caches are per object."""
    return User.objects.get(pk=user.pk)


def role_events(user: User) -> list[AuditEvent]:
    return list(reversed(role_history_of(person=user)))


@pytest.fixture
def admin() -> User:
    return make_user(Role.PORTAL_ADMINISTRATOR)


@pytest.fixture
def superuser() -> User:
    return make_user(is_superuser=True, is_staff=True)


# --- the role and its group --------------------------------------------------------------------


def test_portal_administrator_is_a_staff_role_with_its_group() -> None:
    from django.contrib.auth.models import Group

    assert Role.PORTAL_ADMINISTRATOR.value == "Portal administrators"
    assert Role.PORTAL_ADMINISTRATOR in STAFF_ROLES
    assert Group.objects.filter(name="Portal administrators").exists()
    assert is_staff_member(make_user(Role.PORTAL_ADMINISTRATOR, totp=False))


# --- site roles --------------------------------------------------------------------------------


def test_role_grant_and_revoke_keep_group_record_and_audit(admin: User) -> None:
    person = make_user(Role.STAFF)
    before = AuditEvent.objects.count()

    assert people.role_grant(actor=admin, user_id=person.pk, role=Role.COMMS_STAFF) is True
    assert has_role(fresh(person), Role.COMMS_STAFF)
    grant = RoleGrant.objects.get(user=person, role="Comms staff")
    assert grant.granted_by == admin and grant.ended_at is None
    event = role_events(person)[-1]
    assert event.action == "portal.role.granted" and event.actor == admin
    assert event.old == {"roles": ["University staff"]}
    assert event.new == {"roles": ["Comms staff", "University staff"], "role": "Comms staff"}

    assert people.role_revoke(actor=admin, user_id=person.pk, role=Role.COMMS_STAFF) is True
    assert not has_role(fresh(person), Role.COMMS_STAFF)
    grant.refresh_from_db()
    assert grant.ended_by == admin and grant.ended_at is not None
    event = role_events(person)[-1]
    assert event.action == "portal.role.revoked"
    assert event.old["roles"] == ["Comms staff", "University staff"]
    assert event.new["roles"] == ["University staff"]
    assert AuditEvent.objects.count() == before + 2


def test_role_changes_are_no_ops_when_nothing_changes(admin: User) -> None:
    person = make_user(Role.COMMS_STAFF)
    before = AuditEvent.objects.count()
    assert people.role_grant(actor=admin, user_id=person.pk, role=Role.COMMS_STAFF) is False
    assert people.role_revoke(actor=admin, user_id=person.pk, role=Role.SCHEME_ADMIN) is False
    assert AuditEvent.objects.count() == before
    assert RoleGrant.objects.filter(user=person, role="Comms staff").count() == 1


@pytest.mark.parametrize("actor_roles", [(), (Role.COMMS_STAFF,), (Role.MARCOMMS_DIRECTOR,)])
def test_only_portal_administrators_and_superusers_change_roles(actor_roles) -> None:
    actor, person = make_user(*actor_roles), make_user(Role.STAFF)
    with pytest.raises(PeopleError, match="portal administrators"):
        people.role_grant(actor=actor, user_id=person.pk, role=Role.COMMS_STAFF)
    with pytest.raises(PeopleError):
        people.role_revoke(actor=actor, user_id=person.pk, role=Role.STAFF)
    with pytest.raises(PeopleError):
        people.approver_appoint(actor=actor, user_id=person.pk, unit_id=make_unit().pk)
    assert roles_of(fresh(person)) == {Role.STAFF}
    assert not role_events(person)[1:]  # only the factory's own grant


def test_an_inactive_administrator_is_refused(admin: User) -> None:
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    with pytest.raises(PeopleError):
        people.role_grant(actor=admin, user_id=make_user().pk, role=Role.STAFF)


def test_nobody_changes_their_own_roles(admin: User, superuser: User) -> None:
    for actor in (admin, superuser):
        with pytest.raises(PeopleError, match="your own roles"):
            people.role_grant(actor=actor, user_id=actor.pk, role=Role.COMMS_STAFF)
    with pytest.raises(PeopleError, match="your own roles"):
        people.role_revoke(actor=admin, user_id=admin.pk, role=Role.PORTAL_ADMINISTRATOR)


def test_only_superusers_grant_or_revoke_the_portal_administrator_role(
    admin: User, superuser: User
) -> None:
    person = make_user(Role.STAFF)
    with pytest.raises(PeopleError, match="superuser"):
        people.role_grant(actor=admin, user_id=person.pk, role=Role.PORTAL_ADMINISTRATOR)
    assert people.role_grant(actor=superuser, user_id=person.pk, role=Role.PORTAL_ADMINISTRATOR)
    with pytest.raises(PeopleError, match="superuser"):
        people.role_revoke(actor=admin, user_id=person.pk, role=Role.PORTAL_ADMINISTRATOR)
    assert people.role_revoke(actor=superuser, user_id=person.pk, role=Role.PORTAL_ADMINISTRATOR)


def test_a_deactivated_account_gets_no_new_role(admin: User) -> None:
    person = make_user(is_active=False)
    with pytest.raises(PeopleError, match="deactivated"):
        people.role_grant(actor=admin, user_id=person.pk, role=Role.STAFF)


def test_sign_up_role_is_audited_with_the_new_user_as_actor() -> None:
    person = make_user()
    assert people.role_grant_at_signup(user_id=person.pk, role=Role.ALUMNUS)
    event = role_events(person)[-1]
    assert event.actor == person and event.new["via"] == "sign-up"
    assert describe_role_event(event) == "Took the role Alumni when signing up."
    with pytest.raises(PeopleError):
        people.role_grant_at_signup(user_id=person.pk, role=Role.COMMS_STAFF)


def test_factory_and_script_grants_are_audited_as_the_system() -> None:
    person = make_user(Role.SCHEME_ADMIN)
    events = role_events(person)
    assert {e.new["role"] for e in events} == {"Scheme admins", "University staff"}
    assert all(e.actor is None and e.actor_label == "system" for e in events)
    assert RoleGrant.objects.filter(user=person, granted_by__isnull=True).count() == 2


# --- unit approvers ----------------------------------------------------------------------------


def test_appoint_and_end_an_approver(admin: User) -> None:
    person, unit = make_user(Role.STAFF), make_unit(name="School of Law")
    assert people.approver_appoint(actor=admin, user_id=person.pk, unit_id=unit.pk) is True
    assert has_object_role(fresh(person), APPROVE, unit)
    event = role_events(person)[-1]
    assert event.action == "portal.approver.appointed"
    assert event.old == {"units": []}
    assert event.new == {"units": ["School of Law"], "unit": "School of Law", "unit_id": unit.pk}
    assert RoleGrant.objects.get(user=person, unit=unit).granted_by == admin

    count = AuditEvent.objects.count()
    assert people.approver_appoint(actor=admin, user_id=person.pk, unit_id=unit.pk) is False
    assert AuditEvent.objects.count() == count

    assert people.approver_end(actor=admin, user_id=person.pk, unit_id=unit.pk) is True
    assert not has_object_role(fresh(person), APPROVE, unit)
    assert role_events(person)[-1].new["units"] == []
    assert RoleGrant.objects.get(user=person, unit=unit).ended_by == admin
    assert people.approver_end(actor=admin, user_id=person.pk, unit_id=unit.pk) is False


def test_approvers_must_be_university_staff(admin: User) -> None:
    with pytest.raises(PeopleError, match="University staff"):
        people.approver_appoint(
            actor=admin, user_id=make_user(Role.ALUMNUS).pk, unit_id=make_unit().pk
        )
    with pytest.raises(PeopleError, match="No such unit"):
        people.approver_appoint(actor=admin, user_id=make_user(Role.STAFF).pk, unit_id=999_999)


# --- director delegations ----------------------------------------------------------------------


@pytest.fixture
def director() -> User:
    return make_user(Role.MARCOMMS_DIRECTOR)


def test_delegate_is_director_only_within_the_dates(admin: User, director: User) -> None:
    delegate = make_user(Role.STAFF)
    with time_machine.travel(at(2026, 7, 1, 9), tick=False):
        delegation = people.delegation_create(
            actor=admin,
            director_id=director.pk,
            delegate_id=delegate.pk,
            starts_on=datetime.date(2026, 7, 6),
            ends_on=datetime.date(2026, 7, 10),
        )
        assert not has_role(fresh(delegate), Role.MARCOMMS_DIRECTOR)
    event = AuditEvent.objects.get(action="portal.delegation.created")
    assert event.target_id == str(delegate.pk) and event.old == {}
    assert event.new["starts_on"] == "2026-07-06" and event.new["ends_on"] == "2026-07-10"
    assert "named them delegate of marcomms director" in describe_role_event(event)

    for moment, acting in [
        (at(2026, 7, 5, 23, 59, 59), False),
        (at(2026, 7, 6, 0, 0), True),
        (at(2026, 7, 10, 23, 59, 59), True),
        (at(2026, 7, 11, 0, 0), False),
    ]:
        with time_machine.travel(moment, tick=False):
            assert has_role(fresh(delegate), Role.MARCOMMS_DIRECTOR) is acting, moment
            assert (delegate in users_acting_as(Role.MARCOMMS_DIRECTOR)) is acting
            if acting:
                assert is_staff_member(fresh(delegate))
    assert DirectorDelegation.objects.get().ended_at is None  # lapsed by its dates alone
    assert delegation.pk


def test_roles_of_stays_one_query_with_delegations(admin: User, director: User) -> None:
    delegate = make_user(Role.STAFF)
    people.delegation_create(
        actor=admin,
        director_id=director.pk,
        delegate_id=delegate.pk,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    delegate = fresh(delegate)
    with CaptureQueriesContext(connection) as queries:
        assert roles_of(delegate) == {Role.STAFF, Role.MARCOMMS_DIRECTOR}
        assert has_role(delegate, Role.MARCOMMS_DIRECTOR)
    assert len(queries) == 1
    nobody = fresh(make_user())
    access_cache.forget(nobody.pk)  # as the first request after a sign-in finds it
    with CaptureQueriesContext(connection) as queries:
        assert roles_of(nobody) == frozenset()
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:  # the next request: from the cache
        assert roles_of(fresh(nobody)) == frozenset()
    assert len(queries) == 1  # the user row only


def test_delegation_ended_early_and_no_ops(admin: User, director: User) -> None:
    delegate = make_user(Role.STAFF)
    today = timezone.localdate()
    values: dict[str, Any] = {
        "actor": admin,
        "director_id": director.pk,
        "delegate_id": delegate.pk,
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=7),
    }
    delegation = people.delegation_create(**values)
    count = AuditEvent.objects.count()
    assert people.delegation_create(**values) == delegation  # same again: nothing changes
    assert AuditEvent.objects.count() == count
    assert has_role(fresh(delegate), Role.MARCOMMS_DIRECTOR)

    assert people.delegation_end(actor=admin, delegation_id=delegation.pk) is True
    assert not has_role(fresh(delegate), Role.MARCOMMS_DIRECTOR)
    event = role_events(delegate)[-1]
    assert event.action == "portal.delegation.ended"
    assert event.old["ended_at"] is None and event.new["ended_at"]
    assert people.delegation_end(actor=admin, delegation_id=delegation.pk) is False
    assert AuditEvent.objects.count() == count + 1


def test_delegation_refusals(admin: User, director: User) -> None:
    today = timezone.localdate()
    delegate = make_user(Role.STAFF)

    def create(**overrides):
        values = {
            "actor": admin,
            "director_id": director.pk,
            "delegate_id": delegate.pk,
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=3),
        }
        return people.delegation_create(**{**values, **overrides})

    with pytest.raises(PeopleError, match="on or after"):
        create(ends_on=today - datetime.timedelta(days=1))
    with pytest.raises(PeopleError, match="already be over"):
        create(starts_on=today - datetime.timedelta(days=9), ends_on=today - datetime.timedelta(1))
    with pytest.raises(PeopleError, match="not the marcomms director"):
        create(director_id=make_user(Role.STAFF).pk)
    with pytest.raises(PeopleError, match="own delegate"):
        create(delegate_id=director.pk)
    with pytest.raises(PeopleError, match="university staff"):
        create(delegate_id=make_user(Role.ALUMNUS).pk)
    with pytest.raises(PeopleError, match="portal administrators"):
        create(actor=make_user(Role.COMMS_STAFF))
    with pytest.raises(PeopleError, match="your own roles"):
        create(actor=admin, delegate_id=admin.pk)
    create()
    with pytest.raises(PeopleError, match="already a delegate"):
        create(starts_on=today + datetime.timedelta(days=2), ends_on=today + datetime.timedelta(9))
    with pytest.raises(PeopleError):
        people.delegation_end(actor=make_user(Role.STAFF), delegation_id=1)


def test_revoking_the_director_ends_their_delegations(admin: User, director: User) -> None:
    delegate = make_user(Role.STAFF)
    today = timezone.localdate()
    people.delegation_create(
        actor=admin,
        director_id=director.pk,
        delegate_id=delegate.pk,
        starts_on=today,
        ends_on=today,
    )
    people.role_revoke(actor=admin, user_id=director.pk, role=Role.MARCOMMS_DIRECTOR)
    assert not has_role(fresh(delegate), Role.MARCOMMS_DIRECTOR)
    assert role_events(delegate)[-1].action == "portal.delegation.ended"


def test_active_delegate_approves_in_the_director_slot_but_not_after_the_end(
    admin: User,
) -> None:
    cast = make_cast()
    delegate = make_user(Role.STAFF)
    with time_machine.travel(at(2026, 7, 6, 10), tick=False):
        people.delegation_create(
            actor=admin,
            director_id=cast.director.pk,
            delegate_id=delegate.pk,
            starts_on=datetime.date(2026, 7, 6),
            ends_on=datetime.date(2026, 7, 10),
        )
        first, second = acknowledged(cast), acknowledged(cast)
        request_decide(
            actor=fresh(delegate),
            request_id=first.pk,
            slot=ApprovalDecision.Slot.MARCOMMS,
            decision="approve",
        )
        request_decide(
            actor=cast.approver,
            request_id=first.pk,
            slot=ApprovalDecision.Slot.UNIT,
            decision="approve",
        )
    first.refresh_from_db()
    assert first.status == AccountRequest.Status.APPROVED
    assert first.decisions.get(slot="marcomms").decided_by == delegate
    with (
        time_machine.travel(at(2026, 7, 11, 0, 0, 1), tick=False),
        pytest.raises(RegistryError, match="office"),
    ):
        request_decide(
            actor=fresh(delegate),
            request_id=second.pk,
            slot=ApprovalDecision.Slot.MARCOMMS,
            decision="approve",
        )


# --- pages -------------------------------------------------------------------------------------


def people_url() -> str:
    return reverse("portal:people")


def test_page_lists_holders_with_since_and_by_and_search_finds_anyone(client, admin: User) -> None:
    person = make_user(Role.STAFF, first_name="Wilhelmina", last_name="Zog")
    with time_machine.travel(at(2026, 3, 4, 12), tick=False):
        people.role_grant(actor=admin, user_id=person.pk, role=Role.SCHEME_ADMIN)
    nobody = make_user(Role.ALUMNUS, first_name="Quentin", last_name="Plain")
    client.force_login(admin)

    page = client.get(people_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wilhelmina Zog" in html and "Scheme admins" in html and "4 Mar 2026" in html
    assert admin.display_name in html
    assert "Quentin" not in html  # alumni hold no staff role

    found = client.get(people_url(), {"q": "quentin"}).content.decode()
    assert "Quentin Plain" in found and "Wilhelmina" not in found
    found = client.get(people_url(), {"q": nobody.email.upper()}).content.decode()
    assert "Quentin Plain" in found
    filtered = client.get(people_url(), {"role": "Scheme admins"}).content.decode()
    assert "Wilhelmina Zog" in filtered and admin.email not in filtered


def test_person_page_shows_history_as_sentences(client, admin: User) -> None:
    person = make_user(Role.STAFF)
    people.role_grant(actor=admin, user_id=person.pk, role=Role.COMMS_STAFF)
    people.role_revoke(actor=admin, user_id=person.pk, role=Role.COMMS_STAFF)
    client.force_login(admin)
    html = client.get(reverse("portal:person", args=[person.pk])).content.decode()
    assert f"{admin.display_name} granted the role Comms staff." in html
    assert f"{admin.display_name} revoked the role Comms staff." in html
    assert "portal.role.granted" not in html
    assert 'type="date"' in html and "style=" not in html and "<script>" not in html


def test_list_page_queries_do_not_grow_with_people(client, admin: User) -> None:
    unit = make_unit()
    director = make_user(Role.MARCOMMS_DIRECTOR)

    def add(n: int) -> None:
        for _ in range(n):
            person = make_user(Role.STAFF)
            people.role_grant(actor=admin, user_id=person.pk, role=Role.COMMS_STAFF)
            people.approver_appoint(actor=admin, user_id=person.pk, unit_id=unit.pk)
            people.delegation_create(
                actor=admin,
                director_id=director.pk,
                delegate_id=person.pk,
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate(),
            )

    client.force_login(admin)
    add(3)
    client.get(people_url())
    with CaptureQueriesContext(connection) as few:
        assert client.get(people_url()).status_code == 200
    add(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(people_url())
    assert response.content.decode().count("Approver for") == 30
    assert len(many) == len(few)


def test_post_forms_change_roles(client, admin: User) -> None:
    person, unit = make_user(Role.STAFF), make_unit()
    director = make_user(Role.MARCOMMS_DIRECTOR)
    client.force_login(admin)
    base = f"/people/{person.pk}"

    assert client.post(f"{base}/roles/grant/", {"role": "Comms staff"}).status_code == 302
    assert has_role(fresh(person), Role.COMMS_STAFF)
    assert client.post(f"{base}/roles/revoke/", {"role": "Comms staff"}).status_code == 302
    assert not has_role(fresh(person), Role.COMMS_STAFF)

    assert client.post(f"{base}/approvers/appoint/", {"unit": unit.pk}).status_code == 302
    assert has_object_role(fresh(person), APPROVE, unit)
    assert client.post(f"{base}/approvers/end/", {"unit": unit.pk}).status_code == 302
    assert not has_object_role(fresh(person), APPROVE, unit)

    today = timezone.localdate()
    response = client.post(
        f"{base}/delegations/add/",
        {"director": director.pk, "starts_on": today.isoformat(), "ends_on": today.isoformat()},
    )
    assert response.status_code == 302
    assert has_role(fresh(person), Role.MARCOMMS_DIRECTOR)
    delegation = DirectorDelegation.objects.get(delegate=person)
    response = client.post(f"{base}/delegations/end/", {"delegation": delegation.pk})
    assert response.status_code == 302
    assert not has_role(fresh(person), Role.MARCOMMS_DIRECTOR)

    # A refusal is shown on the page, and changes nothing.
    response = client.post(f"{base}/roles/grant/", {"role": "Portal administrators"})
    assert response.status_code == 400 and b"Only a superuser" in response.content
    assert not has_role(fresh(person), Role.PORTAL_ADMINISTRATOR)
    response = client.post(
        f"{base}/delegations/add/",
        {"director": director.pk, "starts_on": "2026-02-03", "ends_on": "2026-02-01"},
    )
    assert response.status_code == 400 and b"on or after" in response.content


# --- access ------------------------------------------------------------------------------------

ROLES = ["anonymous", "alumnus", "comms", "director", "portal_admin", "superuser"]
MANAGERS = ("portal_admin", "superuser")


def expect(page: int, managers: int, *, anonymous: int = 302) -> dict[str, int]:
    table = dict.fromkeys(ROLES, page)
    table.update(dict.fromkeys(MANAGERS, managers), anonymous=anonymous)
    return table


# name -> (method, data key, expected per role)
MATRIX = {
    "people": ("get", None, expect(403, 200)),
    "person": ("get", None, expect(404, 200)),
    "person_role_grant": ("post", "role", expect(404, 302)),
    "person_approver_appoint": ("post", "unit", expect(404, 302)),
    "person_approver_end": ("post", "unit", expect(404, 302)),
    "person_role_revoke": ("post", "revoke", expect(404, 302)),
    "person_delegation_create": ("post", "delegation", expect(404, 302)),
    "person_delegation_end": ("post", "end", expect(404, 302)),
}


def test_matrix_names_every_people_url() -> None:
    from portal.urls import portal_patterns

    names = {p.name for p in portal_patterns[0] if p.name and p.name.startswith("person")}
    assert names | {"people"} == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, role: str) -> None:
    users = {
        "anonymous": None,
        "alumnus": make_user(Role.ALUMNUS),
        "comms": make_user(Role.COMMS_STAFF),
        "director": make_user(Role.MARCOMMS_DIRECTOR),
        "portal_admin": make_user(Role.PORTAL_ADMINISTRATOR),
        "superuser": make_user(is_superuser=True, is_staff=True),
    }
    director = make_user(Role.MARCOMMS_DIRECTOR)
    person, unit = make_user(Role.STAFF), OrgUnit.objects.create(name="Unit A", slug="unit-a")
    today = timezone.localdate().isoformat()
    delegation = DirectorDelegation.objects.create(
        director=director, delegate=person, starts_on=today, ends_on=today
    )
    data = {
        None: {},
        "role": {"role": "Scheme admins"},
        "revoke": {"role": "University staff"},
        "unit": {"unit": unit.pk},
        "delegation": {"director": director.pk, "starts_on": today, "ends_on": today},
        "end": {"delegation": delegation.pk},
    }
    if users[role] is not None:
        client.force_login(users[role])
    failures = []
    for name, (method, key, table) in MATRIX.items():
        args = [] if name == "people" else [person.pk]
        response = getattr(client, method)(reverse(f"portal:{name}", args=args), data[key])
        if response.status_code != table[role]:
            failures.append(f"{name}: {response.status_code} != {table[role]}")
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
    assert not failures, f"{role}: " + "; ".join(failures)
    # The POSTs had their effect for managers only (the last ones undid the first ones).
    events = {e.action for e in role_history_of(person=person) if e.actor is not None}
    if role in MANAGERS:
        assert events == {
            "portal.role.granted",
            "portal.role.revoked",
            "portal.approver.appointed",
            "portal.approver.ended",
            "portal.delegation.ended",
        }
        person = fresh(person)
        assert roles_of(person) == {Role.SCHEME_ADMIN}
        assert not has_object_role(person, APPROVE, unit)
    else:
        assert events == set()
        assert roles_of(fresh(person)) == {Role.STAFF, Role.MARCOMMS_DIRECTOR}


def test_nav_and_dashboard_panel_for_managers_only(client, admin: User) -> None:
    client.force_login(admin)
    response = client.get(reverse("portal:dashboard"))
    assert any(item.label == "People and roles" for item in response.context["nav_items"])
    assert b"People and roles" in response.content
    client.force_login(make_user(Role.COMMS_STAFF))
    response = client.get(reverse("portal:dashboard"))
    assert not any(item.label == "People and roles" for item in response.context["nav_items"])


# --- browser -----------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_admin_grants_a_role_in_the_browser_on_a_phone(browser, live_server, sign_in, axe_check):
    admin = make_user(Role.PORTAL_ADMINISTRATOR, first_name="Yusuf", last_name="Rahman")
    person = make_user(Role.STAFF, first_name="Helen", last_name="Morgan")
    people.approver_appoint(actor=admin, user_id=person.pk, unit_id=make_unit().pk)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, admin)
        page.get_by_role("link", name="People and roles").first.click()
        page.wait_for_url("**/people/")
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("link", name="Helen Morgan").click()
        page.locator("#id_role").select_option("Comms staff")
        page.get_by_role("button", name="Grant role").click()
        page.get_by_text("Helen Morgan now holds the role Comms staff.").wait_for()
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert "Yusuf Rahman granted the role Comms staff." in page.content()
        assert has_role(fresh(person), Role.COMMS_STAFF)
    finally:
        context.close()

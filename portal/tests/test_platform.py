"""Permissions API, audit trail, reminders, health and demo data."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.urls import reverse

from portal.audit import audit_record
from portal.models import AuditEvent, OrgUnit, Reminder, User
from portal.permissions import (
    get_visible_or_404,
    grant_object_role,
    has_object_role,
    has_role,
    objects_with_role,
    revoke_object_role,
)
from portal.reminders import reminder_claim
from portal.roles import Role
from portal.tests.factories import TEST_TOTP_SECRET, make_unit, make_user
from portal.twofactor import totp_enrol

pytestmark = pytest.mark.django_db

APPROVE = "portal.approve_account_requests"


def test_object_role_is_per_object_and_strangers_get_404() -> None:
    approver, stranger = make_user(Role.STAFF), make_user(Role.STAFF)
    mine, other = make_unit(), make_unit()
    grant_object_role(approver, APPROVE, mine)

    assert has_object_role(approver, APPROVE, mine)
    assert not has_object_role(approver, APPROVE, other)
    assert not has_object_role(stranger, APPROVE, mine)
    assert list(objects_with_role(approver, APPROVE, OrgUnit.objects.all())) == [mine]

    visible_to_stranger = objects_with_role(stranger, APPROVE, OrgUnit.objects.all())
    with pytest.raises(Http404):
        get_visible_or_404(visible_to_stranger, pk=mine.pk)
    with pytest.raises(Http404):  # missing and forbidden look the same
        get_visible_or_404(visible_to_stranger, pk=999_999)

    revoke_object_role(approver, APPROVE, mine)
    approver = User.objects.get(pk=approver.pk)  # guardian caches per user object
    assert not has_object_role(approver, APPROVE, mine)


def test_object_role_lookup_is_one_query(django_assert_num_queries) -> None:
    user = make_user(Role.STAFF)
    for unit in [make_unit() for _ in range(5)]:
        grant_object_role(user, APPROVE, unit)
    with django_assert_num_queries(1):
        assert len(list(objects_with_role(user, APPROVE, OrgUnit.objects.all()))) == 5


def test_inactive_users_hold_no_roles() -> None:
    user = make_user(Role.COMMS_STAFF)
    user.is_active = False
    assert not has_role(user, Role.COMMS_STAFF)


def test_audit_event_records_actor_target_and_values() -> None:
    actor, unit = make_user(Role.STAFF), make_unit()
    event = audit_record(
        actor=actor, action="portal.unit.renamed", target=unit, old={"name": "A"}, new={"name": "B"}
    )
    assert event.actor == actor and event.actor_label == actor.email
    assert list(AuditEvent.objects.for_object(unit)) == [event]
    assert event.old == {"name": "A"} and event.new == {"name": "B"}


def test_audit_events_cannot_be_altered_through_the_orm() -> None:
    event = audit_record(actor=None, action="portal.test.done", target=make_unit())
    event.action = "portal.test.forged"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "portal.test.done"


def test_audit_events_cannot_be_altered_in_sql() -> None:
    event = audit_record(actor=None, action="portal.test.done", target=make_unit())
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = 'forged' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "portal.test.done"


def test_audit_events_are_read_only_in_the_admin(client) -> None:
    superuser = User.objects.create_superuser(email="it@example.ac.uk", password="x-long-pass-1")
    totp_enrol(superuser, TEST_TOTP_SECRET)
    admin_client = client
    admin_client.force_login(superuser)
    event = audit_record(actor=None, action="portal.test.done", target=make_unit())
    change = reverse("admin:portal_auditevent_change", args=[event.pk])
    assert admin_client.post(change, {"action": "forged"}).status_code == 403
    delete = reverse("admin:portal_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "portal.test.done"


def test_reminder_is_claimed_once_per_kind_object_and_period() -> None:
    unit = make_unit()
    assert reminder_claim(kind="test.due", target=unit, period="2026-11")
    assert not reminder_claim(kind="test.due", target=unit, period="2026-11")
    assert reminder_claim(kind="test.due", target=unit, period="2026-12")
    assert reminder_claim(kind="test.overdue", target=unit, period="2026-11")
    assert Reminder.objects.count() == 3


def test_health_reports_database_and_broker(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "unreachable"}
    assert response["X-Request-ID"]


def test_error_pages_use_the_portal_layout(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_seed_demo_is_idempotent() -> None:
    call_command("seed_demo", password="a-demo-passphrase-1")
    counts = (User.objects.count(), OrgUnit.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo", password="a-demo-passphrase-1")
    assert (User.objects.count(), OrgUnit.objects.count()) == counts[:2]
    comms = User.objects.get(email="comms@example.ac.uk")
    assert has_role(comms, Role.COMMS_STAFF)
    assert comms.check_password("a-demo-passphrase-1")


def test_dashboard_shows_each_role_its_navigation(client) -> None:
    client.force_login(make_user(Role.ALUMNUS))
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert b"Dashboard" in response.content
    assert client.get(reverse("portal:dashboard")).context["nav_items"] is not None

"""The reminders page: each team sees its own apps' reminders, in constant queries."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from portal.models import OrgUnit, Reminder
from portal.roles import Role
from portal.tests.factories import make_unit, make_user

pytestmark = pytest.mark.django_db
URL = reverse("portal:reminders")


def _reminders(kind: str, count: int) -> None:
    unit_type = ContentType.objects.get_for_model(OrgUnit)
    units = [make_unit() for _ in range(count)]
    Reminder.objects.bulk_create(
        Reminder(kind=kind, target_type=unit_type, target_id=str(u.pk), period="2026")
        for u in units
    )


def test_anonymous_is_sent_to_sign_in(client) -> None:
    assert client.get(URL).status_code == 302


def test_alumni_have_no_reminders_page(client) -> None:
    client.force_login(make_user(Role.ALUMNUS))
    assert client.get(URL).status_code == 403


def test_each_team_sees_only_its_apps(client) -> None:
    _reminders("groups.sla.due_soon", 1)
    _reminders("accounts_registry.inactivity", 1)
    client.force_login(make_user(Role.ENGAGEMENT_STAFF))
    body = client.get(URL).content.decode()
    assert "due soon" in body and "Inactivity reminder" not in body
    assert "groups.sla.due_soon" not in body  # words, not codes

    client.force_login(make_user(Role.COMMS_STAFF))
    body = client.get(URL).content.decode()
    assert "Inactivity reminder" in body and "due soon" not in body
    # A filter naming another team's app is ignored, not obeyed.
    assert "due soon" not in client.get(URL, {"app": "groups"}).content.decode()


def test_page_queries_do_not_grow_with_reminders(client, django_assert_max_num_queries) -> None:
    client.force_login(make_user(Role.ENGAGEMENT_STAFF))
    _reminders("groups.sla.due_soon", 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    _reminders("groups.sla.overdue", 60)
    with django_assert_max_num_queries(len(few)):
        assert client.get(URL).status_code == 200

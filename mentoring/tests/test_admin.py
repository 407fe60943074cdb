"""Django admin: every mentoring model has a working changelist; edits go through services."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from mentoring.models import Programme
from mentoring.tests.factories import make_programme, pair
from portal.models import AuditEvent, User
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser() -> User:
    return make_user(is_superuser=True, is_staff=True)  # staff: enrolled in TOTP


def test_every_model_has_a_changelist(client: Client, superuser: User) -> None:
    pair()
    client.force_login(superuser)
    for model in apps.get_app_config("mentoring").get_models():
        url = reverse(f"admin:mentoring_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_programme_edit_in_admin_is_audited(client: Client, superuser: User) -> None:
    programme = make_programme()
    client.force_login(superuser)
    url = reverse("admin:mentoring_programme_change", args=[programme.pk])
    response = client.post(
        url,
        {
            "name": programme.name,
            "host_unit": programme.host_unit_id,
            "description": "",
            "starts_on": programme.starts_on.isoformat(),
            "ends_on": (programme.ends_on + datetime.timedelta(days=1)).isoformat(),
            "applications_open": programme.applications_open.isoformat(),
            "applications_close": programme.applications_close.isoformat(),
            "official_meetings": 3,
            "concerns_email": programme.concerns_email,
            "status": Programme.Status.PUBLISHED,
            "created_at_0": "2020-01-01",  # read-only: ignored
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.for_object(programme).get(action="mentoring.programme.updated")
    assert set(event.new) == {"ends_on"}
    programme.refresh_from_db()
    assert programme.created_at.year != 2020


def test_workflow_rows_are_view_only(client: Client, superuser: User) -> None:
    partnership = pair()
    client.force_login(superuser)
    change = reverse("admin:mentoring_partnership_change", args=[partnership.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"status": "ended"}).status_code == 403
    assert client.get(reverse("admin:mentoring_meeting_add")).status_code == 403
    delete = reverse("admin:mentoring_partnership_delete", args=[partnership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    partnership.refresh_from_db()
    assert partnership.status != "ended"

"""moderation.api.report_impersonation: what the registry's public report form calls."""

from __future__ import annotations

import pytest

from moderation.api import ModerationError, report_impersonation
from moderation.models import Incident
from moderation.services.public_reports import PUBLIC_REPORTER_EMAIL
from portal.models import AuditEvent, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"handle": "  @ "}, "account"),
        ({"handle": "x" * 101}, "account"),
        ({"details": "   "}, "details"),
        ({"details": "x" * 2001}, "details"),
    ],
)
def test_bad_reports_are_refused_with_the_field_and_change_nothing(overrides, field):
    data = {"platform": "x", "handle": "@fake", "details": "Uses our crest.", **overrides}
    with pytest.raises(ModerationError) as refused:
        report_impersonation(**data)
    assert refused.value.field == field
    assert not Incident.objects.exists()
    assert not User.objects.filter(email=PUBLIC_REPORTER_EMAIL).exists()


def test_a_report_opens_one_incident_per_open_account_and_a_closed_one_starts_afresh():
    first = report_impersonation(platform="x", handle="@Fake_Uni", details="Crest.")
    assert report_impersonation(platform="x", handle="fake_uni", details="Again.") == first
    Incident.objects.filter(pk=first).update(state=Incident.State.CLOSED)
    second = report_impersonation(platform="x", handle="fake_uni", details="Back again.")
    assert second != first
    assert User.objects.filter(email=PUBLIC_REPORTER_EMAIL).count() == 1
    assert AuditEvent.objects.filter(action="moderation.incident.reported").count() == 2

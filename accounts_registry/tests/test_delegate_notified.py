"""A marcomms director's delegate is told, like the director, when a request waits for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts_registry.services.requests import request_acknowledge
from accounts_registry.tests.factories import make_cast, submitted
from portal.models import OutboundEmail
from portal.people import delegation_create
from portal.roles import Role
from portal.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _decision_needed_recipients() -> set[str]:
    return set(
        OutboundEmail.objects.filter(category__endswith="decision_needed").values_list(
            "to", flat=True
        )
    )


def test_todays_delegate_receives_the_decision_needed_email() -> None:
    cast = make_cast()
    portal_admin = make_user(Role.PORTAL_ADMINISTRATOR)
    delegate = make_user(Role.STAFF, email="deputy@example.ac.uk")
    later = make_user(Role.STAFF, email="next.month@example.ac.uk")
    today = timezone.localdate()
    delegation_create(
        actor=portal_admin,
        director_id=cast.director.pk,
        delegate_id=delegate.pk,
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
    )
    delegation_create(
        actor=portal_admin,
        director_id=cast.director.pk,
        delegate_id=later.pk,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=40),
    )
    request = submitted(cast)
    for admin in (cast.admin1, cast.admin2):
        request_acknowledge(actor=admin, request_id=request.pk)
    recipients = _decision_needed_recipients()
    assert {cast.director.email, delegate.email} <= recipients
    assert later.email not in recipients

"""The retention sweep costs what its rules cost: one statement or two per rule, the same for
3 or 30 records due under each rule, and the same again when nothing is due."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.models import Delivery
from mentoring.models import MenteeApplication, MentorApplication
from moderation.jobs import RETAINED_TEXT
from moderation.models import Item
from portal.dataprotection.retention import retention_sweep
from portal.models import OutboundEmail
from portal.tests.test_retention import _old_world

pytestmark = pytest.mark.django_db


def queries(run: Callable[[], Any]) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's own transaction turns each atomic block into a savepoint; production has none.
    statements = [q["sql"] for q in captured.captured_queries]
    return result, len([sql for sql in statements if "SAVEPOINT" not in sql])


@pytest.mark.parametrize("count", [3, 30])
def test_retention_sweep_costs_the_same_for_3_or_30_and_nothing_more_when_idle(
    count: int,
) -> None:
    worlds = [_old_world() for _ in range(count)]
    Session.objects.bulk_create(
        Session(session_key=f"expired-{n}", session_data="x", expire_date=timezone.now())
        for n in range(count)
    )
    cleared, sweeping = queries(retention_sweep)
    assert cleared == {
        "portal.outbox_retention_sweep": count,
        "portal.expired_sessions_sweep": count,
        "groups.unsubscribed_contacts_retention_sweep": count,
        "mentoring.partner_details_retention_sweep": 2 * count,
        "moderation.decided_items_retention_sweep": count,
    }
    # outbox: update, delete of unused shared texts; sessions: delete; groups: update;
    # mentoring: three updates; moderation: find, two updates
    assert sweeping == 10
    again, idle = queries(retention_sweep)
    assert again == dict.fromkeys(cleared, 0)
    assert idle == 8  # the moderation rule finds nothing and updates nothing
    assert not Session.objects.filter(expire_date__lt=timezone.now()).exists()
    assert not MentorApplication.objects.filter(
        pk__in=[w["old_mentor"].pk for w in worlds]
    ).exclude(email="")
    assert not MenteeApplication.objects.filter(
        pk__in=[w["old_mentee"].pk for w in worlds]
    ).exclude(university_email="")
    assert set(
        Item.objects.filter(pk__in=[w["old_item"].pk for w in worlds]).values_list(
            "text", flat=True
        )
    ) == {RETAINED_TEXT}
    gone = Delivery.objects.filter(membership__in=[w["gone"] for w in worlds])
    assert set(gone.values_list("email__to", flat=True)) == {""}
    stays = Delivery.objects.filter(membership__in=[w["stays"] for w in worlds])
    assert "" not in set(stays.values_list("email__to", flat=True))
    old = datetime.timedelta(days=settings.RETENTION_OUTBOX_DAYS)
    assert not OutboundEmail.objects.filter(
        created_at__lt=timezone.now() - old, status="sent"
    ).exclude(to="")

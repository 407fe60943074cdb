"""The removal-request sweep costs what the work costs: reminders for 2 or 10 requests are the
same statements, and an idle run is three queries (one per stage) whatever the number open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moderation.jobs import removal_reminders_sweep
from moderation.models import RemovalRequest
from moderation.services.removals import removal_request_create
from portal.models import OutboundEmail, User

pytestmark = pytest.mark.django_db


def queries(run) -> tuple[dict[str, int], int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's own transaction turns each atomic block into a savepoint; production has none.
    statements = [q["sql"] for q in captured.captured_queries]
    return result, len([sql for sql in statements if "SAVEPOINT" not in sql])


@pytest.mark.parametrize("count", [2, 10])
def test_removal_reminders_in_bulk_then_idle(comms_staff: User, count: int) -> None:
    ContentType.objects.get_for_models(RemovalRequest)  # cached, as in a worker
    deadline = timezone.now() + timedelta(days=3)
    for index in range(count):
        removal_request_create(
            actor=comms_staff,
            owner_name=f"Owner {index}",
            owner_email=f"owner{index}@example.com",
            content_description="A photo",
            reason="Personal data (001 §4.7.4.8)",
            deadline=deadline,
        )
    sent, sending = queries(lambda: removal_reminders_sweep(now=deadline - timedelta(hours=5)))
    assert sent == {"before": count, "due": 0, "escalate": 0}
    assert sending == 5  # before: find, claim, outbox insert; due and escalate find nothing
    again, idle = queries(lambda: removal_reminders_sweep(now=deadline - timedelta(hours=4)))
    assert again == {"before": 0, "due": 0, "escalate": 0} and idle == 3
    sent, escalating = queries(lambda: removal_reminders_sweep(now=deadline + timedelta(hours=49)))
    assert sent == {"before": 0, "due": 0, "escalate": count}
    # escalate: find, claim, update, comms staff, audit insert, outbox insert
    assert escalating == 8
    again, idle = queries(lambda: removal_reminders_sweep(now=deadline + timedelta(hours=50)))
    assert again == {"before": 0, "due": 0, "escalate": 0} and idle == 3
    assert RemovalRequest.objects.filter(state=RemovalRequest.State.ESCALATED).count() == count
    assert (
        OutboundEmail.objects.filter(category="moderation.removal_request.escalated").count()
        == count
    )

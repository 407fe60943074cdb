"""The moderation sweeps cost what the work costs: reminders for 2 or 10 removal requests, or
for 3 or 30 escalations, are the same statements, and an idle run is one query per stage
whatever the number open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts_registry.models import OfficialAccount
from moderation.jobs import escalation_reminders_sweep, removal_reminders_sweep
from moderation.models import Escalation, Item, RemovalRequest
from moderation.services.decisions import item_decide
from moderation.services.items import ItemData, item_create
from moderation.services.removals import removal_request_create
from portal.models import AuditEvent, OutboundEmail, Reminder, User

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


@pytest.mark.parametrize("count", [3, 30])
def test_escalation_reminders_in_bulk_then_idle(
    channel: OfficialAccount, channel_admin: User, comms_staff: User, count: int
) -> None:
    ContentType.objects.get_for_models(Escalation, Item)  # cached, as in a worker
    for _ in range(count):
        item, _ = item_create(
            actor=channel_admin, channel_id=channel.pk, data=ItemData(text="I will hurt you")
        )
        item_decide(
            actor=channel_admin, item_id=item.pk, outcome="escalate_police", reason="A threat"
        )
    first = Escalation.objects.order_by("pk").first()
    assert first is not None and Escalation.objects.count() == count
    reply_due = max(Escalation.objects.values_list("reply_due_at", flat=True))
    sent, sending = queries(
        lambda: escalation_reminders_sweep(now=reply_due + timedelta(minutes=1))
    )
    assert sent == {"reply_due": count, "comms": 0}
    # reply_due: find, claim, audit insert, outbox insert; comms: find
    assert sending == 5
    later = reply_due + timedelta(minutes=2)
    again, idle = queries(lambda: escalation_reminders_sweep(now=later))
    assert again == {"reply_due": 0, "comms": 0} and idle == 2  # one query per stage
    alert = max(Escalation.objects.values_list("comms_alert_at", flat=True))
    sent, alerting = queries(lambda: escalation_reminders_sweep(now=alert + timedelta(minutes=1)))
    assert sent == {"reply_due": 0, "comms": count}
    # reply_due: find; comms: find, claim, comms staff, audit insert, outbox insert
    assert alerting == 6
    again, idle = queries(lambda: escalation_reminders_sweep(now=alert + timedelta(minutes=2)))
    assert again == {"reply_due": 0, "comms": 0} and idle == 2
    chased = OutboundEmail.objects.filter(category="moderation.escalation.reply_due")
    # The receiving team's address and whoever escalated, for each escalation.
    assert chased.filter(to=first.address).count() == count
    assert chased.filter(to=channel_admin.email).count() == count
    alerts = OutboundEmail.objects.filter(category="moderation.escalation.comms")
    assert set(alerts.values_list("to", flat=True)) == {comms_staff.email}
    assert alerts.count() == count
    for stage in ("reply_due", "comms"):
        events = AuditEvent.objects.filter(action=f"moderation.escalation.reminded.{stage}")
        assert set(events.values_list("target_id", flat=True)) == {
            str(pk) for pk in Item.objects.values_list("pk", flat=True)
        }
    assert Reminder.objects.filter(kind="moderation.escalation").count() == 2 * count

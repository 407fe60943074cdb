"""The response-target sweep: admins at the due time, comms one target later, once per item and
stage, in batches whose cost does not depend on how many items are open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts_registry.models import OfficialAccount
from moderation.jobs import response_target_sweep
from moderation.models import Category, Item
from moderation.services.decisions import item_decide
from moderation.services.items import ItemData, item_create, items_import
from portal.models import AuditEvent, OutboundEmail, Reminder, User
from portal.workdays import LONDON

from .factories import make_channel

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 10:00: threats are due at 11:00, comms are told at 12:00.
ARRIVAL = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)


def counted(run: Callable[[], dict[str, int]]) -> tuple[dict[str, int], int]:
    with CaptureQueriesContext(connection) as captured:
        result = run()
    # The test's transaction turns each atomic block into a savepoint; production has none.
    return result, len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def threat(channel: OfficialAccount, actor: User, text: str = "Nice photo") -> Item:
    with time_machine.travel(ARRIVAL, tick=False):
        return item_create(
            actor=actor,
            channel_id=channel.pk,
            data=ItemData(text=text),
            category_ids=[Category.objects.get(code="threat").pk],
        )[0]


def mails(category: str = "moderation.response_target") -> list[tuple[str, str]]:
    return sorted(OutboundEmail.objects.filter(category=category).values_list("to", "subject"))


def test_admins_at_the_due_time_then_comms_once_each(
    channel: OfficialAccount, channel_admin: User, comms_staff: User
) -> None:
    ContentType.objects.get_for_models(Item)
    item = threat(channel, comms_staff)
    assert response_target_sweep(now=ARRIVAL + timedelta(minutes=59)) == {"admins": 0, "comms": 0}
    sent = response_target_sweep(now=ARRIVAL + timedelta(hours=1))
    assert sent == {"admins": 1, "comms": 0}
    assert mails() == [
        (channel_admin.email, f"1 item past the response target on {channel}"),
    ]
    body = OutboundEmail.objects.get(to=channel_admin.email).body_text
    assert f"#{item.pk}" in body and "1 hour, round the clock" in body
    assert response_target_sweep(now=ARRIVAL + timedelta(minutes=61)) == {"admins": 0, "comms": 0}
    sent = response_target_sweep(now=ARRIVAL + timedelta(hours=2))
    assert sent == {"admins": 0, "comms": 1}
    assert (comms_staff.email, "1 moderation item still undecided") in mails()
    assert response_target_sweep(now=ARRIVAL + timedelta(hours=9)) == {"admins": 0, "comms": 0}
    assert len(mails()) == 2
    assert list(
        AuditEvent.objects.for_object(item)
        .filter(action__startswith="moderation.item.target_alert")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["moderation.item.target_alert.admins", "moderation.item.target_alert.comms"]
    assert Reminder.objects.filter(kind="moderation.response_target").count() == 2


def test_decided_items_are_not_chased_and_a_channel_without_admins_goes_to_comms(
    channel: OfficialAccount, comms_staff: User
) -> None:
    done = threat(channel, comms_staff, "decided")
    item_decide(actor=comms_staff, item_id=done.pk, outcome="keep", reason="a quote")
    orphan_channel = make_channel()
    orphan = threat(orphan_channel, comms_staff, "nobody administers this channel")
    assert response_target_sweep(now=ARRIVAL + timedelta(hours=1)) == {"admins": 1, "comms": 0}
    assert mails() == [(comms_staff.email, f"1 item past the response target on {orphan_channel}")]
    assert not Reminder.objects.filter(target_id=str(done.pk)).exists()
    assert Reminder.objects.filter(target_id=str(orphan.pk), period="admins").exists()


@pytest.mark.parametrize("count", [10, 1000])
def test_idle_runs_cost_one_query_per_stage_whatever_is_open(comms_staff: User, count: int) -> None:
    ContentType.objects.get_for_models(Item)
    channel = make_channel()
    with time_machine.travel(ARRIVAL, tick=False):
        items_import(
            actor=comms_staff,
            channel_id=channel.pk,
            rows=[ItemData(text=f"Question {n} about the open day") for n in range(count)],
            source=Item.Source.CSV,
        )
    assert Item.objects.filter(state__in=Item.OPEN_STATES).count() == count
    # Nothing due yet (unflagged: 1 working day).
    result, queries = counted(lambda: response_target_sweep(now=ARRIVAL + timedelta(hours=1)))
    assert result == {"admins": 0, "comms": 0} and queries == 2
    # Two working days on, everything is past both stages: the sending run works in batches.
    later = ARRIVAL + timedelta(days=2, hours=1)
    result, queries = counted(lambda: response_target_sweep(now=later))
    assert result == {"admins": count, "comms": count}
    batches = -(-count // 500)
    # Per batch: find, claim, audit, admins' addresses, comms (no admins), outbox insert for
    # the first stage; find, claim, audit, comms, outbox for the second; and each stage's
    # last look (when the batch was full) finds nothing.
    full = count // 500
    expected = batches * (6 + 5) + 2 * (1 if full * 500 == count else 0)
    if connection.vendor == "postgresql":
        assert queries == expected
    else:  # the embedded SQLite splits bulk writes under its parameter limit: still per batch
        assert expected <= queries <= 2 * expected
    assert OutboundEmail.objects.filter(category="moderation.response_target").count() == (
        2 * batches
    )
    # Everything reminded: the idle run is back to one query per stage.
    result, queries = counted(lambda: response_target_sweep(now=later + timedelta(hours=1)))
    assert result == {"admins": 0, "comms": 0} and queries == 2

"""Sweep bench scenarios of moderation: removal-request and escalation reminders, response targets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bench.sweeps.common import NEW, OPEN, clones, reminded


def moderation_removals(now: datetime) -> Callable[[], Any]:
    from moderation.jobs import REMINDER_KIND, removal_reminders_sweep
    from moderation.models import RemovalRequest
    from moderation.services.removals import removal_request_create
    from portal.roles import Role
    from portal.tests.factories import make_user

    comms = make_user(Role.COMMS_STAFF)
    first = removal_request_create(
        actor=comms,
        owner_name="Owner",
        owner_email="owner@example.com",
        content_description="A photo",
        reason="Personal data (001 §4.7.4.8)",
        deadline=now + timedelta(hours=10),
    )

    def vary(copy: Any, n: int) -> None:
        copy.owner_email = f"owner{n}@example.com"

    made = [first, *clones(RemovalRequest, first, OPEN - 1, vary)]
    reminded(REMINDER_KIND, RemovalRequest, [(r.pk, "before") for r in made[NEW:]])
    return lambda: removal_reminders_sweep(now=now)


def moderation_escalations(now: datetime) -> Callable[[], Any]:
    """``OPEN`` escalated items whose receiving team's reply is overdue (comms are not yet due
    to be told); all but ``NEW`` were chased by earlier runs."""
    import time_machine

    from moderation.defaults import ensure_default_categories
    from moderation.jobs import ESCALATION_REMINDER_KIND, escalation_reminders_sweep
    from moderation.models import Escalation, Item
    from moderation.services.decisions import item_decide
    from moderation.services.items import ItemData, item_create
    from moderation.tests.factories import make_account_admin, make_channel

    ensure_default_categories()
    channel = make_channel(followers=5000)
    admin = make_account_admin(channel)
    with time_machine.travel(now - timedelta(days=3), tick=False):
        item, _ = item_create(
            actor=admin, channel_id=channel.pk, data=ItemData(text="I will hurt you tomorrow")
        )
        item_decide(actor=admin, item_id=item.pk, outcome="escalate_police", reason="A threat")
    first = Escalation.objects.get(item=item)
    Escalation.objects.filter(pk=first.pk).update(
        reply_due_at=now - timedelta(hours=2), comms_alert_at=now + timedelta(days=1)
    )

    def vary_item(copy: Any, n: int) -> None:
        copy.text = f"I will hurt you tomorrow ({n})"

    items = clones(Item, item, OPEN - 1, vary_item)

    def vary(copy: Any, n: int) -> None:
        copy.item = items[n]

    made = [first, *clones(Escalation, first, OPEN - 1, vary)]
    reminded(ESCALATION_REMINDER_KIND, Escalation, [(e.pk, "reply_due") for e in made[NEW:]])
    return lambda: escalation_reminders_sweep(now=now)


def moderation_targets(now: datetime) -> Callable[[], Any]:
    """``OPEN`` items past their response target; all but ``NEW`` already alerted their admins."""
    from moderation.jobs import TARGET_REMINDER_KIND, response_target_sweep
    from moderation.models import Item
    from moderation.services.items import ItemData, item_create
    from moderation.tests.factories import make_account_admin, make_channel
    from portal.roles import Role
    from portal.tests.factories import make_user

    comms = make_user(Role.COMMS_STAFF)
    channels = [make_channel() for _ in range(50)]
    for channel in channels:
        make_account_admin(channel)
    first, _ = item_create(actor=comms, channel_id=channels[0].pk, data=ItemData(text="Hello"))

    def vary(copy: Any, n: int) -> None:
        # Past the due time, not yet at the comms alert: the first stage is what is at stake.
        copy.channel = channels[n % len(channels)]
        copy.due_at, copy.alert_at = now - timedelta(minutes=5), now + timedelta(hours=1)

    made = clones(Item, first, OPEN, vary)
    Item.objects.filter(pk=first.pk).delete()
    reminded(TARGET_REMINDER_KIND, Item, [(i.pk, "admins") for i in made[NEW:]])
    return lambda: response_target_sweep(now=now)

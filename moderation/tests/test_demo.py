"""The demo seed: items in every state, incidents of each kind, removal requests; idempotent."""

from __future__ import annotations

from accounts_registry import demo as registry_demo
from accounts_registry.api import is_account_admin
from moderation import demo
from moderation.models import Incident, Item, RemovalRequest
from portal import demo as platform_demo


def test_seed_twice(db: None) -> None:
    lines: list[str] = []
    ctx = platform_demo.DemoContext(password="demo-pass-123456", log=lines.append)
    platform_demo.seed(ctx)
    registry_demo.seed(ctx)  # as seed_demo does: the registry records who administers what
    demo.seed(ctx)
    counts = (Item.objects.count(), Incident.objects.count(), RemovalRequest.objects.count())
    demo.seed(ctx)
    assert (
        Item.objects.count(),
        Incident.objects.count(),
        RemovalRequest.objects.count(),
    ) == counts
    assert set(Item.objects.values_list("state", flat=True)) == set(Item.State.values)
    assert set(Incident.objects.values_list("kind", flat=True)) == set(Incident.Kind.values)
    assert RemovalRequest.objects.filter(state=RemovalRequest.State.CONFIRMED).count() == 1
    # The moderation demo's overdue request (the registry's demo adds one for an impostor).
    sent = RemovalRequest.objects.filter(state=RemovalRequest.State.SENT)
    assert any(request.is_overdue for request in sent)
    item = Item.objects.select_related("channel").first()
    assert item is not None
    assert is_account_admin(ctx.users["account_admin"], item.channel)
    assert any(line.startswith("moderation:") for line in lines)

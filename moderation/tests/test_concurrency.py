"""Two moderators decide the same item at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts_registry.models import OfficialAccount
from moderation.errors import DecisionConflictError
from moderation.models import Decision, Item
from moderation.services.decisions import decision_reopen, item_decide
from moderation.services.items import ImportResult, ItemData, item_claim, item_create, items_import
from portal.roles import Role
from portal.tests.factories import make_user


def race(*calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as exc:  # the loser's error is the point of the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_moderators_decide_at_once(postgres_only: None, channel: OfficialAccount) -> None:
    first, second = make_user(Role.COMMS_STAFF), make_user(Role.COMMS_STAFF)
    item, _ = item_create(actor=first, channel_id=channel.pk, data=ItemData(text="contested"))
    for _round in range(3):
        results = race(
            lambda: item_decide(actor=first, item_id=item.pk, outcome="keep", reason="fine"),
            lambda: item_decide(actor=second, item_id=item.pk, outcome="keep", reason="also fine"),
        )
        wins = [r for r in results if isinstance(r, Decision)]
        losses = [r for r in results if isinstance(r, DecisionConflictError)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert "got there first" in str(losses[0])
        assert Decision.objects.filter(item=item, active=True).count() == 1
        decision_reopen(actor=first, item_id=item.pk, reason="next round")
    assert Decision.objects.filter(item=item).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_moderators_claim_at_once(postgres_only: None, channel: OfficialAccount) -> None:
    first, second = make_user(Role.COMMS_STAFF), make_user(Role.COMMS_STAFF)
    item, _ = item_create(actor=first, channel_id=channel.pk, data=ItemData(text="contested"))
    results = race(
        lambda: item_claim(actor=first, item_id=item.pk),
        lambda: item_claim(actor=second, item_id=item.pk),
    )
    assert sum(isinstance(r, Item) for r in results) == 1
    assert sum(isinstance(r, DecisionConflictError) for r in results) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_posts(
    postgres_only: None, channel: OfficialAccount
) -> None:
    comms = make_user(Role.COMMS_STAFF)
    rows = [ItemData(text=f"post {n}", external_id=f"x{n}") for n in range(50)]
    results = race(
        lambda: items_import(actor=comms, channel_id=channel.pk, rows=rows, source="csv"),
        lambda: items_import(actor=comms, channel_id=channel.pk, rows=rows, source="api"),
    )
    assert sum(len(r.created) for r in results if isinstance(r, ImportResult)) == 50, results
    assert Item.objects.filter(channel=channel).count() == 50

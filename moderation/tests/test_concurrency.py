"""Two moderators act on the same item at the same moment: one wins, the other is told.

Each race runs 20 rounds on PostgreSQL. A ``threading.Barrier`` starts both calls together,
and a second barrier, reached right after the service has read (and, with the lock, locked)
the item, holds the first caller until the second has read it too. With the row lock the
second caller cannot get there (it waits on the lock), the barrier times out and the calls
run one after the other; without the lock both callers read the open item before either
writes, in every round, so a missing lock fails the test every time rather than by timing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from accounts_registry.models import OfficialAccount
from moderation.errors import DecisionConflictError, ModerationError
from moderation.models import Decision, Escalation, Item
from moderation.services import decisions, escalations, items
from moderation.services.items import ImportResult, ItemData, item_claim, item_create, items_import
from portal.models import User
from portal.roles import Role
from portal.tests.factories import make_user

ROUNDS = 20
# How long the first caller waits, after reading the item, for the second to read it too.
READ_TOGETHER_SECONDS = 0.3


def race(*calls: Callable[[], object]) -> list[object]:
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


class ReadTogether:
    """Wraps ``require_channel`` (called by claim and decide just after reading the item): the
    first caller to get there waits for the second, at most ``READ_TOGETHER_SECONDS``."""

    def __init__(self, original: Callable[[User, OfficialAccount], None]) -> None:
        self.original = original
        self.barrier = threading.Barrier(2)

    def next_round(self) -> None:
        self.barrier = threading.Barrier(2)

    def __call__(self, actor: User, channel: OfficialAccount) -> None:
        # Broken: the other caller is waiting on the row lock (or is already done).
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=READ_TOGETHER_SECONDS)
        self.original(actor, channel)


@pytest.fixture
def read_together(monkeypatch: pytest.MonkeyPatch) -> ReadTogether:
    hook = ReadTogether(items.require_channel)
    monkeypatch.setattr(items, "require_channel", hook)
    monkeypatch.setattr(decisions, "require_channel", hook)
    monkeypatch.setattr(escalations, "require_channel", hook)
    return hook


@pytest.mark.django_db(transaction=True)
def test_two_moderators_decide_at_once(
    postgres_only: None, channel: OfficialAccount, read_together: ReadTogether
) -> None:
    first, second = make_user(Role.COMMS_STAFF), make_user(Role.COMMS_STAFF)
    for n in range(ROUNDS):
        item, _ = item_create(actor=first, channel_id=channel.pk, data=ItemData(text=f"row {n}"))
        read_together.next_round()
        results = race(
            lambda: decisions.item_decide(
                actor=first, item_id=item.pk, outcome="keep", reason="fine"
            ),
            lambda: decisions.item_decide(
                actor=second, item_id=item.pk, outcome="keep", reason="also fine"
            ),
        )
        wins = [r for r in results if isinstance(r, Decision)]
        losses = [r for r in results if isinstance(r, DecisionConflictError)]
        assert len(wins) == 1 and len(losses) == 1, (n, results)
        # The lock made the loser see the decided item (not the unique index catching it).
        assert "got there first" in str(losses[0]), (n, results)
        assert Decision.objects.filter(item=item, active=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_moderators_claim_at_once(
    postgres_only: None, channel: OfficialAccount, read_together: ReadTogether
) -> None:
    first, second = make_user(Role.COMMS_STAFF), make_user(Role.COMMS_STAFF)
    for n in range(ROUNDS):
        item, _ = item_create(actor=first, channel_id=channel.pk, data=ItemData(text=f"row {n}"))
        read_together.next_round()
        results = race(
            lambda: item_claim(actor=first, item_id=item.pk),
            lambda: item_claim(actor=second, item_id=item.pk),
        )
        assert sum(isinstance(r, Item) for r in results) == 1, (n, results)
        assert sum(isinstance(r, DecisionConflictError) for r in results) == 1, (n, results)
        item.refresh_from_db()
        assert item.state == Item.State.CLAIMED
        winner = next(r for r in results if isinstance(r, Item))
        assert item.claimed_by_id == winner.claimed_by_id


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_posts(
    postgres_only: None, channel: OfficialAccount
) -> None:
    comms = make_user(Role.COMMS_STAFF)
    for n in range(ROUNDS):
        rows = [ItemData(text=f"post {k}", external_id=f"r{n}-{k}") for k in range(20)]
        results = race(
            lambda: items_import(actor=comms, channel_id=channel.pk, rows=rows, source="csv"),
            lambda: items_import(actor=comms, channel_id=channel.pk, rows=rows, source="api"),
        )
        created = sum(len(r.created) for r in results if isinstance(r, ImportResult))
        assert created == 20, (n, results)
        assert Item.objects.filter(channel=channel, external_id__startswith=f"r{n}-").count() == 20


@pytest.mark.django_db(transaction=True)
def test_two_moderators_record_the_reply_at_once(
    postgres_only: None, channel: OfficialAccount, read_together: ReadTogether
) -> None:
    from django.utils import timezone

    first, second = make_user(Role.COMMS_STAFF), make_user(Role.COMMS_STAFF)
    for n in range(ROUNDS):
        item, _ = item_create(actor=first, channel_id=channel.pk, data=ItemData(text=f"row {n}"))
        decisions.item_decide(
            actor=first, item_id=item.pk, outcome="escalate_police", reason="threat"
        )
        escalation = Escalation.objects.get(item=item)
        read_together.next_round()

        def record(actor: User, who: str) -> Escalation:
            return escalations.escalation_record_reply(
                actor=actor,
                escalation_id=escalation.pk,
                reply_from=who,
                replied_at=timezone.now(),
                reply_outcome="noted",
            )

        results = race(lambda: record(first, "A"), lambda: record(second, "B"))
        assert sum(isinstance(r, Escalation) for r in results) == 1, (n, results)
        losses = [r for r in results if isinstance(r, ModerationError)]
        assert len(losses) == 1 and "already recorded" in str(losses[0]), (n, results)
        item.refresh_from_db()
        assert item.state == Item.State.DECIDED

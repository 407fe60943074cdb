"""The change feed's cursor never skips a change while writers commit out of order."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client

from groups.models import Membership, MembershipChange
from groups.services.groups import consent_give, consent_withdraw
from groups.tests.factories import make_group, make_member
from integration.models import Scope

from .factories import bearer, make_client

WRITERS = 4
ROUNDS = 15


def _slow_commit(sender: Any, instance: MembershipChange, created: bool, **kwargs: Any) -> None:
    """Hold some writers' transactions open after their row took an id: without the feed's
    writer lock, later ids commit meanwhile and a reader following the cursor passes this one."""
    if created and instance.pk % 4 == 0:
        time.sleep(0.3)


@pytest.mark.django_db(transaction=True)
def test_a_reader_following_the_cursor_sees_every_change(postgres_only) -> None:
    # One group each: consent changes lock the member's group row, which would serialise them.
    members: list[Membership] = [make_member(make_group(), consent=False) for _ in range(WRITERS)]
    _, token = make_client(Scope.CHANGES)
    reader = Client()
    start = MembershipChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    errors: list[BaseException] = []
    barrier = threading.Barrier(WRITERS)

    def write(member: Membership) -> None:
        try:
            barrier.wait()
            for _ in range(ROUNDS):
                consent_give(actor=member.user, membership_id=member.pk)
                consent_withdraw(actor=member.user, membership_id=member.pk)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    seen: list[int] = []
    cursor = start

    def poll() -> None:
        nonlocal cursor
        body = reader.get(f"/api/v1/changes/?cursor={cursor}&limit=7", **bearer(token)).json()
        seen.extend(change["id"] for change in body["results"])
        cursor = body["next_cursor"]

    poll()  # warm: the reader is polling before the first writer commits
    post_save.connect(_slow_commit, sender=MembershipChange)
    try:
        threads = [threading.Thread(target=write, args=(m,)) for m in members]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            poll()
        for thread in threads:
            thread.join()
        poll()
        while reader.get(f"/api/v1/changes/?cursor={cursor}", **bearer(token)).json()["results"]:
            poll()
    finally:
        post_save.disconnect(_slow_commit, sender=MembershipChange)
    assert not errors, errors
    written = list(
        MembershipChange.objects.filter(pk__gt=start).order_by("pk").values_list("pk", flat=True)
    )
    assert len(written) == WRITERS * ROUNDS * 2
    assert seen == written  # every change, once, in order: no gap and no repeat

"""What every sweep scenario shares: the sizes, the measurement, bulk fills."""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable
from typing import Any

OPEN = int(os.environ.get("BENCH_OPEN", "100000"))
NEW = OPEN // 100


def measure(run: Callable[[], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
    return {"queries": len(captured), "seconds": round(seconds, 4), "result": result}


def reminded(kind: str, model: Any, pairs: list[tuple[int, str]]) -> None:
    """Mark ``pairs`` as reminded already, as earlier runs would have (bulk, no claims)."""
    from django.contrib.contenttypes.models import ContentType

    from portal.models import Reminder

    target_type = ContentType.objects.get_for_model(model)
    Reminder.objects.bulk_create(
        [
            Reminder(kind=kind, target_type=target_type, target_id=str(pk), period=period)
            for pk, period in pairs
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )


def clones(model: Any, original: Any, count: int, vary: Callable[[Any, int], None]) -> list[Any]:
    """``count`` copies of ``original`` (read once), each changed by ``vary``, in bulk."""
    stored = model.objects.get(pk=original.pk)
    copies = []
    for n in range(count):
        twin = copy.copy(stored)
        twin.pk = None
        vary(twin, n)
        copies.append(twin)
    return list(model.objects.bulk_create(copies, batch_size=5000))

"""Queue statistics for comms: open items by priority band, time to decision, by category."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract
from django.utils import timezone

from moderation.models import (
    Decision,
    Item,
)


@dataclass(frozen=True)
class QueueStatistics:
    open_by_priority: list[tuple[str, int]]
    median_hours_to_decision: float | None
    decisions_counted: int
    decisions_by_category: list[dict[str, object]]
    window_days: int


PRIORITY_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Critical (50+)", 50, 10_000),
    ("High (40-49)", 40, 49),
    ("Medium (30-39)", 30, 39),
    ("Low (10-29)", 10, 29),
    ("Unflagged (0-9)", 0, 9),
)


class _Median(Aggregate):
    """PostgreSQL's ordered-set median."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _median_hours_to_decision(decisions: QuerySet[Decision]) -> tuple[float | None, int]:
    """Median hours from receipt to decision: in the database on PostgreSQL, else in Python."""
    if connection.vendor == "postgresql":
        seconds = Extract(F("decided_at") - F("item__created_at"), "epoch")
        row = decisions.aggregate(median=_Median(seconds), n=Count("pk"))
        median = row["median"]
        return (round(median / 3600, 1) if median is not None else None), row["n"]
    hours = [
        (decided - created).total_seconds() / 3600
        for decided, created in decisions.values_list("decided_at", "item__created_at")
    ]
    return (round(statistics.median(hours), 1) if hours else None), len(hours)


def queue_statistics(*, window_days: int = 90) -> QueueStatistics:
    """Open items by priority band, median time to decision, decisions by category."""
    bands = Item.objects.filter(state__in=Item.OPEN_STATES).aggregate(
        **{
            f"b{i}": Count("pk", filter=Q(priority__gte=low, priority__lte=high))
            for i, (_label, low, high) in enumerate(PRIORITY_BANDS)
        }
    )
    since = timezone.now() - timedelta(days=window_days)
    recent = Decision.objects.filter(decided_at__gte=since)
    median_hours, counted = _median_hours_to_decision(recent)
    by_category = list(
        recent.values("category__name", "outcome")
        .annotate(count=Count("pk"))
        .order_by("category__name", "outcome")
    )
    outcome_labels = dict(Decision.Outcome.choices)
    for row in by_category:
        row["outcome_label"] = outcome_labels.get(str(row["outcome"]), row["outcome"])
        row["category__name"] = row["category__name"] or "No category"
    return QueueStatistics(
        open_by_priority=[
            (label, bands[f"b{i}"]) for i, (label, _l, _h) in enumerate(PRIORITY_BANDS)
        ],
        median_hours_to_decision=median_hours,
        decisions_counted=counted,
        decisions_by_category=by_category,
        window_days=window_days,
    )

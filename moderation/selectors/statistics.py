"""Queue statistics for comms: open items by priority band, time to decision, by category."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract, TruncWeek
from django.utils import timezone

from accounts_registry.api import official_accounts
from moderation.models import (
    Decision,
    Item,
)
from portal.models import User
from portal.workdays import LONDON


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


@dataclass(frozen=True)
class WeeklyTrends:
    """Decisions per week (Mondays, Europe/London, oldest first): in all, per channel and per
    moderator, each row's weekly counts aligned with ``weeks``."""

    weeks: list[date]
    totals: list[int]
    by_channel: list[tuple[str, list[int]]]
    by_moderator: list[tuple[str, list[int]]]

    @property
    def channel_rows(self) -> list[tuple[str, list[tuple[date, int]]]]:
        return [(n, list(zip(self.weeks, c, strict=True))) for n, c in self.by_channel]

    @property
    def moderator_rows(self) -> list[tuple[str, list[tuple[date, int]]]]:
        return [(n, list(zip(self.weeks, c, strict=True))) for n, c in self.by_moderator]

    @property
    def chart(self) -> dict[str, object]:
        """Geometry of a server-rendered SVG bar chart of the weekly totals."""
        slot, top, bottom, height = 56, 20, 40, 200
        plot = height - top - bottom
        peak = max([*self.totals, 1])
        bars = []
        for index, (week, total) in enumerate(zip(self.weeks, self.totals, strict=True)):
            bar_height = plot * total / peak
            x = 40 + index * slot + 8
            y = top + plot - bar_height
            bars.append(
                {"x": x, "y": y, "height": bar_height, "label": f"{week:%d %b}", "value": total}
            )
        return {
            "bars": bars,
            "width": 40 + slot * len(self.weeks) + 10,
            "height": height,
            "baseline": top + plot,
            "label_y": top + plot + 16,
            "bar_width": slot - 16,
            "peak": peak,
            "top": top,
        }


def weekly_trends(*, weeks: int = 8, now: datetime | None = None) -> WeeklyTrends:
    """The last ``weeks`` weeks of decisions, by channel and by moderator (three queries)."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    since = datetime.combine(first, time.min, tzinfo=LONDON)
    rows = (
        Decision.objects.filter(decided_at__gte=since)
        .annotate(week=TruncWeek("decided_at", tzinfo=LONDON))
        .values_list("week", "item__channel_id", "decided_by_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    index = {monday: n for n, monday in enumerate(mondays)}
    totals = [0] * weeks
    channels: dict[int, list[int]] = {}
    moderators: dict[int, list[int]] = {}
    for week, channel_id, moderator_id, n in rows:
        slot = index.get(week.date() if isinstance(week, datetime) else week)
        if slot is None:
            continue
        totals[slot] += n
        channels.setdefault(channel_id, [0] * weeks)[slot] += n
        moderators.setdefault(moderator_id, [0] * weeks)[slot] += n
    channel_names = {a.pk: str(a) for a in official_accounts().filter(pk__in=list(channels))}
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=list(moderators))}
    return WeeklyTrends(
        weeks=mondays,
        totals=totals,
        by_channel=sorted((channel_names.get(k, "?"), v) for k, v in channels.items()),
        by_moderator=sorted((people.get(k, "?"), v) for k, v in moderators.items()),
    )


def weekly_trends_csv(trends: WeeklyTrends) -> str:
    """One row per week and channel or moderator: ``week starting, by, name, decisions``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["week starting", "by", "name", "decisions"])
    for week, total in zip(trends.weeks, trends.totals, strict=True):
        writer.writerow([week.isoformat(), "all", "all channels", total])
    for by, rows in (("channel", trends.by_channel), ("moderator", trends.by_moderator)):
        for name, counts in rows:
            for week, n in zip(trends.weeks, counts, strict=True):
                writer.writerow([week.isoformat(), by, name, n])
    return out.getvalue()

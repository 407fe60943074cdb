"""Queue statistics for comms: open items by priority band, time to decision, by category."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    FloatField,
    Model,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract, TruncWeek
from django.utils import timezone

from accounts_registry.api import OfficialAccount, official_accounts
from moderation.models import (
    Category,
    Decision,
    Item,
)
from moderation.targets import UNFLAGGED_TARGET
from portal.models import User
from portal.workdays import LONDON

M = TypeVar("M", bound=Model)


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


def _on_channels(
    rows: QuerySet[M], channels: QuerySet[OfficialAccount] | None, path: str
) -> QuerySet[M]:
    return rows if channels is None else rows.filter(**{f"{path}__in": channels.values("pk")})


def queue_statistics(
    *, window_days: int = 90, channels: QuerySet[OfficialAccount] | None = None
) -> QueueStatistics:
    """Open items by priority band, median time to decision, decisions by category (on
    ``channels`` only, when given)."""
    open_items = _on_channels(Item.objects.filter(state__in=Item.OPEN_STATES), channels, "channel")
    bands = open_items.aggregate(
        **{
            f"b{i}": Count("pk", filter=Q(priority__gte=low, priority__lte=high))
            for i, (_label, low, high) in enumerate(PRIORITY_BANDS)
        }
    )
    since = timezone.now() - timedelta(days=window_days)
    recent = _on_channels(Decision.objects.filter(decided_at__gte=since), channels, "item__channel")
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


def weekly_trends(
    *,
    weeks: int = 8,
    now: datetime | None = None,
    channels: QuerySet[OfficialAccount] | None = None,
) -> WeeklyTrends:
    """The last ``weeks`` weeks of decisions, by channel and by moderator (three queries)."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    since = datetime.combine(first, time.min, tzinfo=LONDON)
    rows = (
        _on_channels(Decision.objects.filter(decided_at__gte=since), channels, "item__channel")
        .annotate(week=TruncWeek("decided_at", tzinfo=LONDON))
        .values_list("week", "item__channel_id", "decided_by_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    index = {monday: n for n, monday in enumerate(mondays)}
    totals = [0] * weeks
    per_channel: dict[int, list[int]] = {}
    moderators: dict[int, list[int]] = {}
    for week, channel_id, moderator_id, n in rows:
        slot = index.get(week.date() if isinstance(week, datetime) else week)
        if slot is None:
            continue
        totals[slot] += n
        per_channel.setdefault(channel_id, [0] * weeks)[slot] += n
        moderators.setdefault(moderator_id, [0] * weeks)[slot] += n
    channel_names = {a.pk: str(a) for a in official_accounts().filter(pk__in=list(per_channel))}
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=list(moderators))}
    return WeeklyTrends(
        weeks=mondays,
        totals=totals,
        by_channel=sorted((channel_names.get(k, "?"), v) for k, v in per_channel.items()),
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


class _Percentile(Aggregate):
    """PostgreSQL's ordered-set ``percentile_cont(fraction)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class TargetPerformance:
    """Time from receipt to first decision for one severity tier, against the items' targets."""

    tier: str
    targets: str  # the tier's categories' current targets, e.g. "1 hour, round the clock"
    decisions: int
    median_hours: float | None
    p90_hours: float | None
    within_target: int  # decided by their due time

    @property
    def share_within(self) -> int | None:
        """Per cent decided within target (rounded), None without decisions."""
        return round(100 * self.within_target / self.decisions) if self.decisions else None


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


def target_performance(
    *,
    window_days: int = 90,
    channels: QuerySet[OfficialAccount] | None = None,
    now: datetime | None = None,
) -> list[TargetPerformance]:
    """Per severity tier (most severe first, unflagged items last): median and 90th percentile
    of hours from receipt to an item's *first* decision in the window (a reopened item is
    counted once, by how soon it was first handled) and how many were decided by the due time
    the item carried. Two queries."""
    since = (now or timezone.now()) - timedelta(days=window_days)
    earlier = Decision.objects.filter(item=OuterRef("item"), decided_at__lt=OuterRef("decided_at"))
    first = _on_channels(
        Decision.objects.filter(decided_at__gte=since).filter(~Exists(earlier)),
        channels,
        "item__channel",
    )
    tier = "item__target_category__severity"
    within = Q(item__due_at__isnull=False, decided_at__lte=F("item__due_at"))
    rows: list[tuple[int | None, int, float | None, float | None, int]]
    if connection.vendor == "postgresql":
        seconds = Extract(F("decided_at") - F("item__created_at"), "epoch")
        rows = list(
            first.values(tier)
            .annotate(
                n=Count("pk"),
                median=_Percentile(seconds, fraction=0.5),
                p90=_Percentile(seconds, fraction=0.9),
                within=Count("pk", filter=within),
            )
            .values_list(tier, "n", "median", "p90", "within")
            .order_by()
        )
    else:
        spans: dict[int | None, list[float]] = {}
        hits: dict[int | None, int] = {}
        for severity, decided, created, due in first.values_list(
            tier, "decided_at", "item__created_at", "item__due_at"
        ):
            spans.setdefault(severity, []).append((decided - created).total_seconds())
            hits[severity] = hits.get(severity, 0) + (due is not None and decided <= due)
        rows = [
            (severity, len(values), *_quantiles(values), hits[severity])
            for severity, values in spans.items()
        ]
    targets: dict[int, list[str]] = {}
    for category in Category.objects.filter(active=True).order_by("-severity", "name"):
        labels = targets.setdefault(category.severity, [])
        if category.target.label not in labels:
            labels.append(category.target.label)
    found = {severity: row for severity, *row in rows}
    out = []
    for severity in [*sorted(set(targets) | {s for s in found if s}, reverse=True), None]:
        n, median, p90, hit = found.get(severity, (0, None, None, 0))
        out.append(
            TargetPerformance(
                tier=f"Severity {severity}" if severity else "Unflagged",
                targets=", ".join(targets.get(severity, []))
                if severity
                else UNFLAGGED_TARGET.label,
                decisions=int(n or 0),
                median_hours=_hours(median),
                p90_hours=_hours(p90),
                within_target=int(hit or 0),
            )
        )
    return out


def _quantiles(values: list[float]) -> tuple[float, float]:
    """Median and 90th percentile, interpolated like ``percentile_cont``."""
    ordered = sorted(values)

    def at(fraction: float) -> float:
        position = fraction * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return at(0.5), at(0.9)


def target_performance_csv(rows: list[TargetPerformance]) -> str:
    """``severity, targets, decisions, median hours, p90 hours, within target, per cent``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "severity",
            "targets",
            "first decisions",
            "median hours to decision",
            "p90 hours to decision",
            "decided within target",
            "per cent within target",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.tier,
                row.targets,
                row.decisions,
                "" if row.median_hours is None else row.median_hours,
                "" if row.p90_hours is None else row.p90_hours,
                row.within_target,
                "" if row.share_within is None else row.share_within,
            ]
        )
    return out.getvalue()

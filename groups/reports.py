"""The SLA report: per month, the share sent on time and the median hours to first response.

Definitions (shown on the report page too):

* A request counts in the month it was first submitted (Europe/London).
* "Sent on time": sent no later than its due time (3 working days, pauses excluded), or, for a
  request the team answered in time and scheduled for a later date (usually the group's
  preferred date), sent by the end of the day after the scheduled time.
  The share's denominator leaves out declined requests and open ones whose due time has not
  passed yet (they can still be on time); an open request past its due time counts as late.
* "Hours to first response": working hours (09:00-17:00, working days) from submission to the
  first move out of "submitted", stored on the request when that move happens. No pause can
  precede the first response, so none is subtracted.

Two queries whatever the number of requests: counts per month, and medians per month
(PostgreSQL's PERCENTILE_CONT; on SQLite the stored hours are fetched and the median taken here).
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from groups.models import GroupRequest


@dataclass(frozen=True)
class MonthRow:
    month: str  # "2026-11"
    label: str  # "Nov 2026"
    submitted: int
    counted: int
    on_time: int
    responded: int
    median_hours: float | None

    @property
    def share_on_time(self) -> float | None:
        return round(100 * self.on_time / self.counted, 1) if self.counted else None


@dataclass
class _Bucket:
    submitted: int = 0
    counted: int = 0
    on_time: int = 0
    responded: int = 0
    median: float | None = None


class Median(Aggregate):
    """PostgreSQL's exact median of a column."""

    function = "PERCENTILE_CONT"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _month_start(moment: datetime, months_back: int) -> datetime:
    local = timezone.localtime(moment)
    year, month = local.year, local.month - months_back
    while month <= 0:
        month += 12
        year -= 1
    return local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


# Sent by the due time, or answered in time and sent as scheduled for a later date.
ON_TIME = Q(sent_at__lte=F("due_at")) | Q(
    scheduled_for__gt=F("due_at"),
    first_response_at__lte=F("due_at"),
    sent_at__lte=F("scheduled_for") + timedelta(days=1),
)


def sla_report(*, months: int = 12, now: datetime | None = None) -> list[MonthRow]:
    now = now or timezone.now()
    start = _month_start(now, months - 1)
    in_window = GroupRequest.objects.filter(submitted_at__gte=start).annotate(
        month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone())
    )
    sent = Q(status=GroupRequest.Status.SENT)
    late_open = ~Q(status__in=(GroupRequest.Status.SENT, GroupRequest.Status.DECLINED)) & Q(
        due_at__lt=now
    )
    counts = (
        in_window.order_by()
        .values("month")
        .annotate(
            submitted=Count("pk"),
            counted=Count("pk", filter=sent | late_open),
            on_time=Count("pk", filter=sent & ON_TIME),
        )
    )
    buckets: dict[str, _Bucket] = {}
    for back in range(months - 1, -1, -1):
        buckets[f"{_month_start(now, back):%Y-%m}"] = _Bucket()
    for row in counts:
        bucket = buckets.get(f"{timezone.localtime(row['month']):%Y-%m}")
        if bucket is not None:
            bucket.submitted, bucket.counted, bucket.on_time = (
                row["submitted"],
                row["counted"],
                row["on_time"],
            )
    if connection.vendor == "postgresql":
        medians = (
            in_window.order_by()
            .values("month")
            .annotate(
                responded=Count("first_response_hours"), median=Median("first_response_hours")
            )
        )
        for row in medians:
            bucket = buckets.get(f"{timezone.localtime(row['month']):%Y-%m}")
            if bucket is not None and row["median"] is not None:
                bucket.responded, bucket.median = row["responded"], row["median"]
    else:
        # No percentile aggregate in SQLite: one narrow query for the stored hours.
        hours = in_window.filter(first_response_hours__isnull=False).values_list(
            "month", "first_response_hours"
        )
        values: dict[str, list[float]] = {}
        for month, value in hours.order_by().iterator(chunk_size=10000):
            if value is None:
                continue
            values.setdefault(f"{timezone.localtime(month):%Y-%m}", []).append(value)
        for key, found in values.items():
            if key in buckets:
                buckets[key].responded = len(found)
                buckets[key].median = statistics.median(found)
    result = []
    for key, b in buckets.items():
        result.append(
            MonthRow(
                month=key,
                label=datetime.strptime(key, "%Y-%m").strftime("%b %Y"),  # noqa: DTZ007 (a month label, no instant)
                submitted=b.submitted,
                counted=b.counted,
                on_time=b.on_time,
                responded=b.responded,
                median_hours=None if b.median is None else round(b.median, 1),
            )
        )
    return result


def sla_report_csv(rows: list[MonthRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "month",
            "requests submitted",
            "requests counted",
            "sent on time",
            "share sent on time (%)",
            "requests answered",
            "median working hours to first response",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.month,
                row.submitted,
                row.counted,
                row.on_time,
                "" if row.share_on_time is None else row.share_on_time,
                row.responded,
                "" if row.median_hours is None else row.median_hours,
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_text: str
    value_y: float


def bar_chart(
    values: list[tuple[str, float | None]], *, maximum: float, unit: str, height: int = 200
) -> dict[str, object]:
    """Geometry for a simple server-rendered SVG bar chart (no JavaScript, no CDN)."""
    slot = 56
    top, bottom = 20, 40
    plot = height - top - bottom
    bars = []
    for index, (label, value) in enumerate(values):
        v = value or 0.0
        h = 0.0 if maximum <= 0 else plot * min(v, maximum) / maximum
        x = 40 + index * slot + 8
        bars.append(
            Bar(
                x=x,
                y=top + plot - h,
                width=slot - 16,
                height=h,
                label=label,
                value_text="no data" if value is None else f"{value:g}{unit}",
                value_y=top + plot - h - 4,
            )
        )
    return {
        "bars": bars,
        "width": 40 + slot * len(values) + 10,
        "height": height,
        "baseline": top + plot,
        "label_y": top + plot + 16,
        "top": top,
        "maximum": f"{maximum:g}{unit}",
    }


def sla_page(rows: list[MonthRow]) -> dict[str, object]:
    """The report's rows with its two charts: share on time, and median hours to respond."""
    max_hours = max([r.median_hours or 0 for r in rows] + [24.0])
    return {
        "rows": rows,
        "share_chart": bar_chart([(r.label, r.share_on_time) for r in rows], maximum=100, unit="%"),
        "hours_chart": bar_chart(
            [(r.label, r.median_hours) for r in rows], maximum=max_hours, unit=" h"
        ),
    }

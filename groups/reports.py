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
Each month's figures are cached under a version that every change of one of its requests
replaces, until the first due time still ahead of one of its open requests: a closed month is
not counted again on each view.
"""

from __future__ import annotations

import csv
import io
import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Aggregate, Count, F, FloatField, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from groups.models import GroupRequest

SLA_CACHE_SECONDS = 24 * 3600


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


def _aggregate(start: datetime, now: datetime) -> dict[str, dict[str, Any]]:
    """The figures of every month from ``start`` on, as ``now`` sees them (two queries), with
    the moment each month's figures next change by themselves (``valid_until``: the first due
    time still ahead of an open request; only a transition changes them before that)."""
    in_window = GroupRequest.objects.filter(submitted_at__gte=start).annotate(
        month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone())
    )
    sent = Q(status=GroupRequest.Status.SENT)
    is_open = ~Q(status__in=(GroupRequest.Status.SENT, GroupRequest.Status.DECLINED))
    counts = (
        in_window.order_by()
        .values("month")
        .annotate(
            submitted=Count("pk"),
            counted=Count("pk", filter=sent | (is_open & Q(due_at__lt=now))),
            on_time=Count("pk", filter=sent & ON_TIME),
            valid_until=Min("due_at", filter=is_open & Q(due_at__gte=now)),
        )
    )
    found: dict[str, dict[str, Any]] = {}
    for row in counts:
        key = f"{timezone.localtime(row['month']):%Y-%m}"
        found[key] = {**_Bucket().__dict__, **row, "month": key}
    if connection.vendor == "postgresql":
        medians = (
            in_window.order_by()
            .values("month")
            .annotate(
                responded=Count("first_response_hours"), median=Median("first_response_hours")
            )
        )
        for row in medians:
            key = f"{timezone.localtime(row['month']):%Y-%m}"
            if key in found and row["median"] is not None:
                found[key] |= {"responded": row["responded"], "median": row["median"]}
    else:
        # No percentile aggregate in SQLite: one narrow query for the stored hours.
        hours = in_window.filter(first_response_hours__isnull=False).values_list(
            "month", "first_response_hours"
        )
        values: dict[str, list[float]] = {}
        for month, value in hours.order_by().iterator(chunk_size=10000):
            if value is not None:
                values.setdefault(f"{timezone.localtime(month):%Y-%m}", []).append(value)
        for key, hours_of_month in values.items():
            if key in found:
                found[key] |= {
                    "responded": len(hours_of_month),
                    "median": statistics.median(hours_of_month),
                }
    return found


def _version_key(month: str) -> str:
    return f"groups.sla.version.{month}"


def _month_key(month: str) -> str:
    return f"groups.sla.month.{month}"


def sla_months_changed(*moments: datetime | None) -> None:
    """Requests submitted at ``moments`` changed: their months' cached figures are stale.

    Called for every saved or deleted request (``groups.signals``) and by the services that
    update requests in bulk; again after the transaction commits, so that a report computed
    meanwhile from the old rows is never believed.
    """
    months = {f"{timezone.localtime(m):%Y-%m}" for m in moments if m is not None}
    if not months:
        return

    def bump() -> None:
        cache.set_many({_version_key(m): uuid.uuid4().hex for m in months}, None)

    bump()
    transaction.on_commit(bump)


def _from_cache(keys: list[str], now: datetime) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The months whose cached figures still hold at ``now``, and every month's version."""
    found = cache.get_many([_month_key(k) for k in keys] + [_version_key(k) for k in keys])
    versions = {k: found.get(_version_key(k)) for k in keys}
    good = {}
    for key in keys:
        entry = found.get(_month_key(key))
        if (
            isinstance(entry, dict)
            and entry.get("version") == versions[key]
            and entry["computed_at"] <= now
            and (entry["valid_until"] is None or now < entry["valid_until"])
        ):
            good[key] = entry
    return good, versions


def sla_report(*, months: int = 12, now: datetime | None = None) -> list[MonthRow]:
    """The last ``months`` months; each month's figures come from the cache until one of its
    requests changes or one of its open requests passes its due time, else from the database
    (one pass over the months from the first stale one: usually the current month only)."""
    now = now or timezone.now()
    keys = [f"{_month_start(now, back):%Y-%m}" for back in range(months - 1, -1, -1)]
    good, versions = _from_cache(keys, now)
    stale = [k for k in keys if k not in good]
    if stale:
        first = keys.index(stale[0])
        fresh = _aggregate(_month_start(now, months - 1 - first), now)
        entries = {}
        for key in keys[first:]:
            entry = fresh.get(key) or {**_Bucket().__dict__, "valid_until": None}
            entry |= {"version": versions[key], "computed_at": now}
            good[key] = entries[_month_key(key)] = entry
        cache.set_many(entries, SLA_CACHE_SECONDS)
    return [
        MonthRow(
            month=key,
            label=datetime.strptime(key, "%Y-%m").strftime("%b %Y"),  # noqa: DTZ007 (a month label, no instant)
            submitted=good[key]["submitted"],
            counted=good[key]["counted"],
            on_time=good[key]["on_time"],
            responded=good[key]["responded"],
            median_hours=None if good[key]["median"] is None else round(good[key]["median"], 1),
        )
        for key in keys
    ]


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

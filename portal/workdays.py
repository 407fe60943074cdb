"""Working-day calendar behind the "respond and send within 3 working days" promise.

Semantics:

* Time zone: Europe/London. Every input must be a timezone-aware ``datetime`` (naive input
  raises ``ValueError``); every output is in Europe/London.
* Working days: Monday-Friday, except England & Wales bank holidays as given by
  ``holidays.country_holidays("GB", subdiv="ENG")`` (so substitute days such as Boxing Day
  observed on Monday 28 Dec 2026 are holidays too).
* Business hours: ``opens``-``closes`` on the local wall clock (default 09:00-17:00), so across
  the March/October clock changes the window stays 09:00-17:00 local and only the UTC offset
  moves.
* The clock runs in *working time* only. "N working days" is N x (closes - opens) of working
  time, so a request received Monday 10:00 is due Thursday 10:00 for N = 3. Precisely, the due
  time is the earliest moment by which that much unpaused working time has run since the clock
  start (so N = 0 gives the clock start, and a deadline can fall exactly at close).
* Clock start: a request received outside business hours or on a non-working day starts at the
  next opening. One received on a working day at or after ``cutoff`` (default 16:00) starts at
  the next working day's opening (Mon 16:30 -> Tue 09:00 -> due Thu 17:00). The cut-off applies
  to the received moment only, never to a pause's resume.
* Pauses: the clock stops during each ``Pause`` (e.g. while waiting on the group for changes).
  Working time before a pause counts; after the pause ends the remainder runs on from that
  moment (moved to the next opening if it ends outside business hours). Pauses may overlap one
  another and non-business time. An open pause (``end=None``) stops the clock indefinitely: if
  it starts before the deadline is reached no due time exists and ``add_working_days`` returns
  None; a pause opened after the deadline had already passed leaves that deadline unchanged.
* ``working_seconds_between`` measures raw business time between two moments (no cut-off),
  excluding pauses; an open pause counts as lasting forever.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

LONDON: ZoneInfo = ZoneInfo("Europe/London")

# A pause as a UTC interval; ``None`` as the end marks a pause that has not ended.
_Interval = tuple[datetime, datetime | None]


def _require_aware(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # Building the holiday table is slow compared with a set lookup, so do it once per year.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@dataclass(frozen=True)
class Pause:
    """An interval during which the clock is stopped; ``end=None`` means still stopped."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        _require_aware(self.start, "Pause.start")
        if self.end is not None:
            _require_aware(self.end, "Pause.end")
            if self.end < self.start:
                raise ValueError(f"Pause ends ({self.end}) before it starts ({self.start})")


def _merge(pauses: Sequence[Pause]) -> list[_Interval]:
    """Sort and coalesce pauses into disjoint UTC intervals, dropping zero-length ones."""
    merged: list[_Interval] = []
    for pause in sorted(pauses, key=lambda p: p.start):
        start = pause.start.astimezone(UTC)
        end = None if pause.end is None else pause.end.astimezone(UTC)
        if end is not None and end == start:
            continue
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break  # an open pause already swallows everything after it
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


@dataclass(frozen=True)
class WorkingCalendar:
    """Business-hours clock over England & Wales working days (see module docstring)."""

    cutoff: time = time(16, 0)
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    tz: ZoneInfo = LONDON

    def __post_init__(self) -> None:
        if any(t.tzinfo is not None for t in (self.cutoff, self.opens, self.closes)):
            raise ValueError("cutoff, opens and closes are local wall-clock times; drop tzinfo")
        if self.opens >= self.closes:
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")

    @property
    def day_length(self) -> timedelta:
        """Working time in one working day, i.e. what "1 working day" adds."""
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _bank_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def _at(self, day: date, wall: time) -> datetime:
        return datetime.combine(day, wall, tzinfo=self.tz)

    def _align(self, moment: datetime) -> datetime:
        """The moment itself if inside business hours, else the next opening (no cut-off)."""
        local = moment.astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.closes:
            return local if local.time() >= self.opens else self._at(day, self.opens)
        return self._at(self.next_working_day(day), self.opens)

    def clock_start(self, received: datetime) -> datetime:
        local = _require_aware(received, "received").astimezone(self.tz)
        # No working-day check needed: on a non-working day _align would also give the next
        # working day's opening.
        if local.time() >= self.cutoff:
            return self._at(self.next_working_day(local.date()), self.opens)
        return self._align(local)

    def _segments(
        self, cursor: datetime, pauses: list[_Interval]
    ) -> Iterator[tuple[datetime, datetime]]:
        """Yield consecutive unpaused business-hour spans (UTC) from ``cursor`` onwards.

        Stops only when an open pause is reached; otherwise endless. Jumping straight to a
        pause's end (rather than walking its days) keeps callers O(days + pauses).
        """
        index = 0
        while True:
            cursor = self._align(cursor).astimezone(UTC)
            while index < len(pauses) and (end := pauses[index][1]) is not None and end <= cursor:
                index += 1
            if index < len(pauses) and pauses[index][0] <= cursor:
                resume = pauses[index][1]
                if resume is None:
                    return
                cursor = resume
                continue
            stop = self._at(cursor.astimezone(self.tz).date(), self.closes).astimezone(UTC)
            if index < len(pauses):
                stop = min(stop, pauses[index][0])
            yield cursor, stop
            cursor = stop

    def add_working_days(
        self, received: datetime, days: int, *, pauses: Sequence[Pause] = ()
    ) -> datetime | None:
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        start = self.clock_start(received)
        remaining = days * self.day_length
        if not remaining:
            return start  # 0 working time has run at the start, whatever the pauses
        # Arithmetic in UTC so durations are real elapsed time whatever the UTC offset.
        for seg_start, seg_end in self._segments(start, _merge(pauses)):
            if remaining <= seg_end - seg_start:
                return (seg_start + remaining).astimezone(self.tz)
            remaining -= seg_end - seg_start
        return None  # an open pause stopped the clock before the deadline was reached

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of working time after ``start`` (Europe/London).

        No cut-off: work that arrives out of hours starts at the next opening, and one that
        arrives at 16:30 has half an hour counted that day (a response target, not a promise
        to start the next day). ``duration`` 0 gives the first working moment from ``start``.
        """
        if duration < timedelta():
            raise ValueError(f"duration must be >= 0, got {duration}")
        remaining = duration
        aligned = self._align(_require_aware(start, "start")).astimezone(UTC)
        for seg_start, seg_end in self._segments(aligned, []):
            if remaining <= seg_end - seg_start:
                return (seg_start + remaining).astimezone(self.tz)
            remaining -= seg_end - seg_start
        raise AssertionError("the working clock without pauses never stops")  # pragma: no cover

    def _working_time(self, start: datetime, end: datetime, pauses: Sequence[Pause]) -> timedelta:
        start = _require_aware(start, "start").astimezone(UTC)
        end = _require_aware(end, "end").astimezone(UTC)
        total = timedelta()
        if end <= start:
            return total
        for seg_start, seg_end in self._segments(start, _merge(pauses)):
            if seg_start >= end:
                break
            total += min(seg_end, end) - seg_start
        return total

    def working_seconds_between(
        self, start: datetime, end: datetime, *, pauses: Sequence[Pause] = ()
    ) -> int:
        return self._working_time(start, end, pauses) // timedelta(seconds=1)

    def working_hours_between(
        self, start: datetime, end: datetime, *, pauses: Sequence[Pause] = ()
    ) -> float:
        return self._working_time(start, end, pauses) / timedelta(hours=1)

    def working_days_until(self, now: datetime, due: datetime) -> int:
        """Working days between the local dates of ``now`` and ``due``.

        Counts working days in (today, due date] when due is later, so a Monday deadline seen
        on Saturday is 1; and minus those in [due date, today) when overdue, so a Friday
        deadline seen on Saturday is -1. Same date gives 0 even if the time has passed.
        """
        today = _require_aware(now, "now").astimezone(self.tz).date()
        target = _require_aware(due, "due").astimezone(self.tz).date()
        if target >= today:
            return self._count_working_days(today, target)
        one = timedelta(days=1)
        # [target, today) expressed as the half-open (target - 1, today - 1] the helper counts.
        return -self._count_working_days(target - one, today - one)

    def _count_working_days(self, after: date, upto: date) -> int:
        """Number of working days d with after < d <= upto: weekdays by arithmetic, less the
        bank holidays among them (a request overdue for months costs no more than one due
        tomorrow)."""
        if upto <= after:
            return 0
        holidays = sum(
            1
            for year in range(after.year, upto.year + 1)
            for day in _bank_holidays(year)
            if after < day <= upto and day.weekday() < 5
        )
        return _weekdays_upto(upto) - _weekdays_upto(after) - holidays


def _weekdays_upto(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday, ordinal 1) to ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _setting_time(name: str, default: time) -> time:
    value = getattr(settings, name, None)
    if value is None:
        return default
    if isinstance(value, time):
        return value
    try:
        return datetime.strptime(str(value), "%H:%M").time()  # noqa: DTZ007 (a time of day)
    except ValueError as exc:
        raise ValueError(f"settings.{name} must be an 'HH:MM' string, got {value!r}") from exc


def default_calendar() -> WorkingCalendar:
    """The calendar configured by ``WORKDAY_CUTOFF``/``WORKDAY_OPENS``/``WORKDAY_CLOSES``.

    Built afresh on every call (nothing cached) so ``override_settings`` in tests takes effect.
    Falls back to the defaults when Django settings are not configured at all.
    """
    # ``settings.configured`` stays False until first access even when DJANGO_SETTINGS_MODULE
    # is set, so the environment variable also counts as "configured".
    if not (settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE")):
        return WorkingCalendar()
    base = WorkingCalendar()
    return WorkingCalendar(
        cutoff=_setting_time("WORKDAY_CUTOFF", base.cutoff),
        opens=_setting_time("WORKDAY_OPENS", base.opens),
        closes=_setting_time("WORKDAY_CLOSES", base.closes),
    )

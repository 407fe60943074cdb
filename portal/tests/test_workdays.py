"""Tests for portal.workdays: the 3-working-day service-level clock.

Plain pytest functions with no database, so they run both with ``-p no:django`` and under
pytest-django. Expected due times were worked out by hand from the 2026/2027 calendars.
"""

from __future__ import annotations

import time as perf
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal import workdays
from portal.workdays import LONDON, Pause, WorkingCalendar, default_calendar

CAL = WorkingCalendar()
DAY_SECONDS = 8 * 3600


def ldt(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Europe/London wall-clock moment."""
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def udt(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


# --------------------------------------------------------------------------- holiday data


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 9), True),  # Monday
        (date(2026, 3, 13), True),  # Friday
        (date(2026, 3, 14), False),  # Saturday
        (date(2026, 3, 15), False),  # Sunday
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # Early May bank holiday
        (date(2026, 5, 25), False),  # Spring bank holiday
        (date(2026, 8, 31), False),  # Summer bank holiday
        (date(2026, 12, 24), True),  # Christmas Eve is a normal Thursday
        (date(2026, 12, 25), False),  # Christmas Day, Friday
        (date(2026, 12, 28), False),  # Boxing Day substitute, Monday
        (date(2026, 12, 29), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), False),  # New Year's Day 2027, Friday
        (date(2027, 1, 4), True),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 9), date(2026, 3, 10)),  # strictly after: Mon -> Tue
        (date(2026, 3, 13), date(2026, 3, 16)),  # Fri -> Mon
        (date(2026, 3, 14), date(2026, 3, 16)),  # Sat -> Mon
        (date(2026, 4, 2), date(2026, 4, 7)),  # over Easter
        (date(2026, 12, 24), date(2026, 12, 29)),  # over Christmas + substitute day
        (date(2026, 12, 31), date(2027, 1, 4)),  # over New Year into 2027
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert CAL.next_working_day(day) == expected


def test_holidays_package_gives_expected_england_dates() -> None:
    import holidays

    eng = holidays.country_holidays("GB", subdiv="ENG", years=[2026, 2027])
    assert date(2026, 12, 25) in eng
    assert date(2026, 12, 28) in eng
    assert date(2027, 1, 1) in eng


# --------------------------------------------------------------------------- clock_start


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (ldt(2026, 3, 9, 10), ldt(2026, 3, 9, 10)),  # inside hours: unchanged
        (ldt(2026, 3, 9, 8), ldt(2026, 3, 9, 9)),  # before opening
        (ldt(2026, 3, 9, 9), ldt(2026, 3, 9, 9)),  # exactly at opening
        (ldt(2026, 3, 9, 15, 59), ldt(2026, 3, 9, 15, 59)),  # just before cut-off
        (ldt(2026, 3, 9, 16), ldt(2026, 3, 10, 9)),  # exactly at cut-off
        (ldt(2026, 3, 9, 17), ldt(2026, 3, 10, 9)),  # at close
        (ldt(2026, 3, 9, 23, 59), ldt(2026, 3, 10, 9)),
        (ldt(2026, 3, 13, 16, 30), ldt(2026, 3, 16, 9)),  # Friday after cut-off
        (ldt(2026, 3, 14, 12), ldt(2026, 3, 16, 9)),  # Saturday
        (ldt(2026, 4, 3, 10), ldt(2026, 4, 7, 9)),  # Good Friday
        (udt(2026, 3, 30, 15, 30), ldt(2026, 3, 31, 9)),  # 16:30 BST: cut-off is local
        (udt(2026, 3, 30, 14, 30), ldt(2026, 3, 30, 15, 30)),
    ],
)
def test_clock_start(received: datetime, expected: datetime) -> None:
    start = CAL.clock_start(received)
    assert start == expected
    assert start.tzinfo == LONDON


# --------------------------------------------------------------------------- due-time table

DUE_TABLE = [
    # ordinary weekdays (week of Mon 9 Mar 2026)
    ("Mon 10:00", ldt(2026, 3, 9, 10), ldt(2026, 3, 12, 10)),
    ("Mon 09:00 opening", ldt(2026, 3, 9, 9), ldt(2026, 3, 11, 17)),
    ("Mon 08:00 before opening", ldt(2026, 3, 9, 8), ldt(2026, 3, 11, 17)),
    ("Mon 00:00 midnight", ldt(2026, 3, 9, 0), ldt(2026, 3, 11, 17)),
    ("Mon 15:59 just before cut-off", ldt(2026, 3, 9, 15, 59), ldt(2026, 3, 12, 15, 59)),
    ("Mon 16:00 exactly cut-off", ldt(2026, 3, 9, 16), ldt(2026, 3, 12, 17)),
    ("Mon 16:30 after cut-off", ldt(2026, 3, 9, 16, 30), ldt(2026, 3, 12, 17)),
    ("Mon 16:59 after cut-off", ldt(2026, 3, 9, 16, 59), ldt(2026, 3, 12, 17)),
    ("Mon 18:00 after close", ldt(2026, 3, 9, 18), ldt(2026, 3, 12, 17)),
    ("Wed 12:34", ldt(2026, 3, 11, 12, 34), ldt(2026, 3, 16, 12, 34)),
    ("Fri 10:00 -> Wed", ldt(2026, 3, 13, 10), ldt(2026, 3, 18, 10)),
    ("Fri 16:30 after cut-off", ldt(2026, 3, 13, 16, 30), ldt(2026, 3, 18, 17)),
    ("Sat 12:00 weekend", ldt(2026, 3, 14, 12), ldt(2026, 3, 18, 17)),
    ("Sun 23:59 weekend", ldt(2026, 3, 15, 23, 59), ldt(2026, 3, 18, 17)),
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr
    ("Wed before Easter after cut-off", ldt(2026, 4, 1, 16, 30), ldt(2026, 4, 8, 17)),
    ("Thu before Good Friday", ldt(2026, 4, 2, 10), ldt(2026, 4, 9, 10)),
    ("Good Friday", ldt(2026, 4, 3, 10), ldt(2026, 4, 9, 17)),
    ("Easter Saturday", ldt(2026, 4, 4, 10), ldt(2026, 4, 9, 17)),
    ("Easter Monday", ldt(2026, 4, 6, 14), ldt(2026, 4, 9, 17)),
    # early May (Mon 4 May), spring (Mon 25 May), summer (Mon 31 Aug)
    ("Fri before early May", ldt(2026, 5, 1, 11), ldt(2026, 5, 7, 11)),
    ("Early May bank holiday", ldt(2026, 5, 4, 10), ldt(2026, 5, 7, 17)),
    ("Thu before spring holiday", ldt(2026, 5, 21, 14), ldt(2026, 5, 27, 14)),
    ("Spring bank holiday", ldt(2026, 5, 25, 10), ldt(2026, 5, 28, 17)),
    ("Fri before summer holiday", ldt(2026, 8, 28, 9, 30), ldt(2026, 9, 3, 9, 30)),
    ("Summer bank holiday", ldt(2026, 8, 31, 12), ldt(2026, 9, 3, 17)),
    # Christmas 2026: Fri 25 Dec, Mon 28 Dec (Boxing Day substitute); Fri 1 Jan 2027
    ("Wed 23 Dec", ldt(2026, 12, 23, 12), ldt(2026, 12, 30, 12)),
    ("Thu 24 Dec morning", ldt(2026, 12, 24, 10), ldt(2026, 12, 31, 10)),
    ("Thu 24 Dec at cut-off", ldt(2026, 12, 24, 16), ldt(2026, 12, 31, 17)),
    ("Christmas Day", ldt(2026, 12, 25, 10), ldt(2026, 12, 31, 17)),
    ("Boxing Day Saturday", ldt(2026, 12, 26, 10), ldt(2026, 12, 31, 17)),
    ("Boxing Day substitute", ldt(2026, 12, 28, 10), ldt(2026, 12, 31, 17)),
    ("Tue 29 Dec into 2027", ldt(2026, 12, 29, 10), ldt(2027, 1, 4, 10)),
    ("Wed 30 Dec into 2027", ldt(2026, 12, 30, 10), ldt(2027, 1, 5, 10)),
    ("Thu 31 Dec after cut-off", ldt(2026, 12, 31, 16, 30), ldt(2027, 1, 6, 17)),
    ("New Year's Day 2027", ldt(2027, 1, 1, 10), ldt(2027, 1, 6, 17)),
    # clock changes: BST starts Sun 29 Mar 2026, ends Sun 25 Oct 2026
    ("Fri GMT -> Wed BST", ldt(2026, 3, 27, 10), ldt(2026, 4, 1, 10)),
    ("UTC input Fri GMT", udt(2026, 3, 27, 10), ldt(2026, 4, 1, 10)),
    ("Sun 29 Mar during change", ldt(2026, 3, 29, 1, 30), ldt(2026, 4, 1, 17)),
    ("UTC input Mon BST 09:30", udt(2026, 3, 30, 8, 30), ldt(2026, 4, 2, 9, 30)),
    ("UTC 15:30 = 16:30 BST after cut-off", udt(2026, 3, 30, 15, 30), ldt(2026, 4, 2, 17)),
    ("Fri BST -> Wed GMT", ldt(2026, 10, 23, 10), ldt(2026, 10, 28, 10)),
    ("UTC input Fri BST", udt(2026, 10, 23, 9), ldt(2026, 10, 28, 10)),
    ("UTC 15:30 = 16:30 BST Fri", udt(2026, 10, 23, 15, 30), ldt(2026, 10, 28, 17)),
    ("Sun 25 Oct ambiguous 01:30", ldt(2026, 10, 25, 1, 30), ldt(2026, 10, 28, 17)),
    ("UTC 16:30 = 16:30 GMT Mon", udt(2026, 10, 26, 16, 30), ldt(2026, 10, 29, 17)),
]


@pytest.mark.parametrize(
    ("received", "expected"),
    [pytest.param(r, e, id=name) for name, r, e in DUE_TABLE],
)
def test_three_working_days_table(received: datetime, expected: datetime) -> None:
    due = CAL.add_working_days(received, 3)
    assert due == expected
    assert due is not None
    assert due.tzinfo == LONDON
    # Same instant is not enough: the wall clock and offset must be the London ones.
    assert (due.hour, due.minute) == (expected.hour, expected.minute)
    assert due.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("received", "offset_hours", "utc_hour"),
    [
        (udt(2026, 3, 27, 10), 1, 9),  # received 10:00 GMT, due Wed 1 Apr 10:00 BST
        (udt(2026, 10, 23, 9), 0, 10),  # received 10:00 BST, due Wed 28 Oct 10:00 GMT
    ],
)
def test_due_offsets_around_clock_changes(
    received: datetime, offset_hours: int, utc_hour: int
) -> None:
    result = CAL.add_working_days(received, 3)
    assert result is not None
    assert result.utcoffset() == timedelta(hours=offset_hours)
    assert result.astimezone(UTC).hour == utc_hour


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, ldt(2026, 3, 9, 10)),
        (1, ldt(2026, 3, 10, 10)),
        (2, ldt(2026, 3, 11, 10)),
        (5, ldt(2026, 3, 16, 10)),
        (10, ldt(2026, 3, 23, 10)),
    ],
)
def test_other_day_counts(days: int, expected: datetime) -> None:
    assert CAL.add_working_days(ldt(2026, 3, 9, 10), days) == expected


def test_zero_days_is_the_clock_start() -> None:
    assert CAL.add_working_days(ldt(2026, 3, 14, 12), 0) == ldt(2026, 3, 16, 9)


def test_custom_calendar_hours_and_cutoff() -> None:
    cal = WorkingCalendar(cutoff=time(15, 0), opens=time(8, 0), closes=time(18, 0))
    assert cal.day_length == timedelta(hours=10)
    assert cal.add_working_days(ldt(2026, 3, 9, 10), 3) == ldt(2026, 3, 12, 10)
    assert cal.add_working_days(ldt(2026, 3, 9, 15), 3) == ldt(2026, 3, 12, 18)
    assert cal.add_working_days(ldt(2026, 3, 9, 14, 59), 1) == ldt(2026, 3, 10, 14, 59)


def test_cutoff_after_close_still_respects_business_hours() -> None:
    cal = WorkingCalendar(cutoff=time(23, 0))
    assert cal.clock_start(ldt(2026, 3, 9, 18)) == ldt(2026, 3, 10, 9)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"opens": time(17, 0), "closes": time(9, 0)},
        {"opens": time(9, 0), "closes": time(9, 0)},
        {"opens": time(9, 0, tzinfo=UTC)},
    ],
)
def test_invalid_calendar_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(**kwargs)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.clock_start(datetime(2026, 3, 9, 10)),
        lambda: CAL.add_working_days(datetime(2026, 3, 9, 10), 3),
        lambda: CAL.add_working_days(ldt(2026, 3, 9, 10), -1),
        lambda: CAL.working_seconds_between(datetime(2026, 3, 9), ldt(2026, 3, 10)),
        lambda: CAL.working_seconds_between(ldt(2026, 3, 9), datetime(2026, 3, 10)),
        lambda: CAL.working_hours_between(datetime(2026, 3, 9), datetime(2026, 3, 10)),
        lambda: CAL.working_days_until(datetime(2026, 3, 9), ldt(2026, 3, 10)),
        lambda: CAL.working_days_until(ldt(2026, 3, 9), datetime(2026, 3, 10)),
        lambda: CAL.clock_start(date(2026, 3, 9)),  # type: ignore[arg-type]
    ],
)
def test_naive_or_invalid_input_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


# --------------------------------------------------------------------------- pauses

MON_10 = ldt(2026, 3, 9, 10)  # unpaused due: Thu 12 Mar 10:00
THU_10 = ldt(2026, 3, 12, 10)  # unpaused due: Tue 17 Mar 10:00

PAUSE_TABLE = [
    ("no pauses", MON_10, [], ldt(2026, 3, 12, 10)),
    (
        "one pause Tue 11-14",
        MON_10,
        [Pause(ldt(2026, 3, 10, 11), ldt(2026, 3, 10, 14))],
        THU_10.replace(hour=13),
    ),
    (
        "pause across weekend Fri 15:00 - Mon 11:00",
        THU_10,
        [Pause(ldt(2026, 3, 13, 15), ldt(2026, 3, 16, 11))],
        ldt(2026, 3, 17, 14),
    ),
    (
        "two pauses",
        MON_10,
        [
            Pause(ldt(2026, 3, 11, 16), ldt(2026, 3, 12, 10)),  # given out of order on purpose
            Pause(ldt(2026, 3, 9, 12), ldt(2026, 3, 9, 13)),
        ],
        ldt(2026, 3, 12, 13),
    ),
    (
        "overlapping pauses merge",
        MON_10,
        [
            Pause(ldt(2026, 3, 9, 12), ldt(2026, 3, 9, 14)),
            Pause(ldt(2026, 3, 9, 13), ldt(2026, 3, 9, 15)),
        ],
        ldt(2026, 3, 12, 13),
    ),
    (
        "nested pause inside another",
        MON_10,
        [
            Pause(ldt(2026, 3, 9, 12), ldt(2026, 3, 9, 15)),
            Pause(ldt(2026, 3, 9, 13), ldt(2026, 3, 9, 14)),
        ],
        ldt(2026, 3, 12, 13),
    ),
    (
        "overnight pause: no effect",
        MON_10,
        [Pause(ldt(2026, 3, 9, 17, 30), ldt(2026, 3, 10, 8, 30))],
        THU_10,
    ),
    (
        "weekend pause: no effect",
        THU_10,
        [Pause(ldt(2026, 3, 14, 8), ldt(2026, 3, 15, 20))],
        ldt(2026, 3, 17, 10),
    ),
    (
        "pause before received: no effect",
        MON_10,
        [Pause(ldt(2026, 3, 2, 9), ldt(2026, 3, 6, 17))],
        THU_10,
    ),
    (
        "zero-length pause: no effect",
        MON_10,
        [Pause(ldt(2026, 3, 10, 11), ldt(2026, 3, 10, 11))],
        THU_10,
    ),
    (
        "pause spanning receipt",
        MON_10,
        [Pause(ldt(2026, 3, 9, 8), ldt(2026, 3, 9, 11))],
        THU_10.replace(hour=11),
    ),
    (
        "resume after close -> next opening",
        MON_10,
        [Pause(ldt(2026, 3, 10, 15), ldt(2026, 3, 10, 19))],
        THU_10.replace(hour=12),
    ),
    (
        "resume after cut-off: no cut-off applied",
        MON_10,
        [Pause(ldt(2026, 3, 10, 10), ldt(2026, 3, 10, 16, 30))],
        ldt(2026, 3, 12, 16, 30),
    ),
    (
        "resume on Saturday",
        THU_10,
        [Pause(ldt(2026, 3, 13, 12), ldt(2026, 3, 14, 12))],
        ldt(2026, 3, 17, 15),
    ),
    (
        "received after cut-off, pause overlaps next opening",
        ldt(2026, 3, 9, 16, 30),
        [Pause(ldt(2026, 3, 9, 16, 45), ldt(2026, 3, 10, 10))],
        ldt(2026, 3, 13, 10),
    ),
    (
        "pause over Christmas holidays",
        ldt(2026, 12, 23, 12),
        [Pause(ldt(2026, 12, 24, 12), ldt(2026, 12, 29, 12))],  # removes Thu 5h + Tue 3h
        ldt(2026, 12, 31, 12),
    ),
    (
        "pause in UTC across BST start",
        ldt(2026, 3, 27, 10),
        [Pause(udt(2026, 3, 27, 15), udt(2026, 3, 30, 9))],  # Fri 15-17 GMT, Mon 09-10 BST
        ldt(2026, 4, 1, 13),
    ),
    (
        "pause Tue 09:00-10:00 from opening",
        MON_10,
        [Pause(ldt(2026, 3, 10, 9), ldt(2026, 3, 10, 10))],
        ldt(2026, 3, 12, 11),
    ),
    ("open pause started after due: due stands", MON_10, [Pause(ldt(2026, 3, 13, 9))], THU_10),
    ("open pause started exactly at due", MON_10, [Pause(THU_10)], THU_10),
    ("open pause started before receipt", MON_10, [Pause(ldt(2026, 3, 1, 9))], None),
    ("open pause mid-clock", MON_10, [Pause(ldt(2026, 3, 10, 10))], None),
    (
        "closed pause then open pause",
        MON_10,
        [Pause(ldt(2026, 3, 9, 12), ldt(2026, 3, 9, 13)), Pause(ldt(2026, 3, 11, 9))],
        None,
    ),
    (
        "open pause overlapping a closed one",
        MON_10,
        [Pause(ldt(2026, 3, 10, 9)), Pause(ldt(2026, 3, 10, 8), ldt(2026, 3, 20, 9))],
        None,
    ),
]


@pytest.mark.parametrize(
    ("received", "pauses", "expected"),
    [pytest.param(r, p, e, id=name) for name, r, p, e in PAUSE_TABLE],
)
def test_pauses_table(received: datetime, pauses: list[Pause], expected: datetime | None) -> None:
    due = CAL.add_working_days(received, 3, pauses=pauses)
    assert due == expected
    if due is not None:
        assert due.tzinfo == LONDON
        assert CAL.working_seconds_between(CAL.clock_start(received), due, pauses=pauses) == (
            3 * DAY_SECONDS
        )


def test_zero_days_is_clock_start_whatever_the_pauses() -> None:
    # Due = earliest moment by which 0 working time has run: the clock start itself.
    assert CAL.add_working_days(MON_10, 0, pauses=[Pause(MON_10)]) == MON_10
    closed = Pause(MON_10, MON_10 + timedelta(hours=1))
    assert CAL.add_working_days(MON_10, 0, pauses=[closed]) == MON_10
    assert CAL.add_working_days(MON_10, 0, pauses=[Pause(ldt(2026, 3, 9, 8))]) == MON_10


def test_back_to_back_pauses() -> None:
    touching = [
        Pause(ldt(2026, 3, 10, 11), ldt(2026, 3, 10, 12)),
        Pause(ldt(2026, 3, 10, 12), ldt(2026, 3, 10, 14)),
    ]
    assert CAL.add_working_days(MON_10, 3, pauses=touching) == ldt(2026, 3, 12, 13)


def test_long_pause_jumps_rather_than_walks() -> None:
    # A decade-long pause must not be stepped through day by day.
    pause = Pause(ldt(2026, 3, 10, 9), ldt(2036, 3, 10, 9))
    due = CAL.add_working_days(MON_10, 3, pauses=[pause])
    assert due == ldt(2036, 3, 12, 10)  # Mon 10-17 (7h), then Mon 10 Mar 2036 onwards


@pytest.mark.parametrize(
    "make",
    [
        lambda: Pause(ldt(2026, 3, 10, 14), ldt(2026, 3, 10, 11)),  # ends before it starts
        lambda: Pause(datetime(2026, 3, 10, 11), ldt(2026, 3, 10, 14)),  # naive start
        lambda: Pause(ldt(2026, 3, 10, 11), datetime(2026, 3, 10, 14)),  # naive end
        lambda: Pause(datetime(2026, 3, 10, 11)),  # naive open pause
    ],
)
def test_invalid_pause_rejected(make: Callable[[], Pause]) -> None:
    with pytest.raises(ValueError):
        make()


def test_pause_in_utc_compared_as_instant() -> None:
    # 11:00 UTC is 11:00 GMT in March (before BST), so same as the London pause.
    utc = Pause(udt(2026, 3, 10, 11), udt(2026, 3, 10, 14))
    assert CAL.add_working_days(MON_10, 3, pauses=[utc]) == ldt(2026, 3, 12, 13)


# --------------------------------------------------------------------------- elapsed working time


@pytest.mark.parametrize(
    ("start", "end", "pauses", "hours"),
    [
        pytest.param(ldt(2026, 3, 9, 10), ldt(2026, 3, 9, 12), [], 2.0, id="same day"),
        pytest.param(ldt(2026, 3, 13, 15), ldt(2026, 3, 16, 11), [], 4.0, id="weekend"),
        pytest.param(ldt(2026, 3, 14, 10), ldt(2026, 3, 15, 20), [], 0.0, id="inside weekend"),
        pytest.param(ldt(2026, 3, 9, 18), ldt(2026, 3, 10, 8), [], 0.0, id="overnight"),
        pytest.param(ldt(2026, 4, 2, 15), ldt(2026, 4, 7, 10), [], 3.0, id="Easter"),
        # no cut-off: 16:00-17:00 on Christmas Eve counts
        pytest.param(ldt(2026, 12, 24, 16), ldt(2026, 12, 29, 10), [], 2.0, id="Christmas"),
        pytest.param(ldt(2026, 12, 31, 9), ldt(2027, 1, 4, 17), [], 16.0, id="New Year"),
        pytest.param(ldt(2026, 3, 9, 9), ldt(2026, 3, 13, 17), [], 40.0, id="full week"),
        pytest.param(ldt(2026, 3, 9, 9), ldt(2026, 3, 20, 17), [], 80.0, id="two weeks"),
        pytest.param(ldt(2026, 3, 27, 16), ldt(2026, 3, 30, 10), [], 2.0, id="over BST start"),
        pytest.param(ldt(2026, 10, 23, 16), ldt(2026, 10, 26, 10), [], 2.0, id="over BST end"),
        pytest.param(
            ldt(2026, 3, 9, 9),
            ldt(2026, 3, 13, 17),
            [Pause(ldt(2026, 3, 10, 10), ldt(2026, 3, 10, 12))],
            38.0,
            id="with pause",
        ),
        pytest.param(
            ldt(2026, 3, 9, 9),
            ldt(2026, 3, 13, 17),
            [Pause(ldt(2026, 3, 11, 9))],
            16.0,
            id="open pause stops counting",
        ),
        pytest.param(ldt(2026, 3, 9, 12), ldt(2026, 3, 9, 10), [], 0.0, id="end before start"),
        pytest.param(ldt(2026, 3, 9, 12), ldt(2026, 3, 9, 12), [], 0.0, id="empty"),
        pytest.param(ldt(2026, 3, 9, 9), ldt(2026, 3, 9, 9, 30), [], 0.5, id="fractional hours"),
    ],
)
def test_working_time_between(
    start: datetime, end: datetime, pauses: list[Pause], hours: float
) -> None:
    assert CAL.working_hours_between(start, end, pauses=pauses) == pytest.approx(hours)
    assert CAL.working_seconds_between(start, end, pauses=pauses) == int(hours * 3600)


def test_working_seconds_is_int_and_accepts_mixed_zones() -> None:
    seconds = CAL.working_seconds_between(udt(2026, 6, 1, 8), ldt(2026, 6, 1, 10))  # 09:00 BST
    assert seconds == 3600
    assert isinstance(seconds, int)


# --------------------------------------------------------------------------- working_days_until


@pytest.mark.parametrize(
    ("now", "due", "expected"),
    [
        pytest.param(ldt(2026, 3, 9, 8), ldt(2026, 3, 9, 17), 0, id="due today"),
        pytest.param(ldt(2026, 3, 9, 18), ldt(2026, 3, 9, 17), 0, id="today, time passed"),
        pytest.param(ldt(2026, 3, 9, 10), ldt(2026, 3, 10, 10), 1, id="tomorrow"),
        pytest.param(ldt(2026, 3, 9, 10), ldt(2026, 3, 12, 10), 3, id="three days"),
        pytest.param(ldt(2026, 3, 13, 10), ldt(2026, 3, 16, 10), 1, id="Fri to Mon"),
        pytest.param(ldt(2026, 3, 14, 10), ldt(2026, 3, 16, 10), 1, id="Sat to Mon"),
        pytest.param(ldt(2026, 4, 2, 10), ldt(2026, 4, 7, 10), 1, id="over Easter"),
        pytest.param(ldt(2026, 12, 24, 10), ldt(2026, 12, 29, 10), 1, id="over Christmas"),
        pytest.param(ldt(2026, 12, 31, 10), ldt(2027, 1, 4, 10), 1, id="over New Year"),
        pytest.param(ldt(2026, 3, 10, 10), ldt(2026, 3, 9, 17), -1, id="overdue yesterday"),
        pytest.param(ldt(2026, 3, 16, 10), ldt(2026, 3, 13, 17), -1, id="overdue Fri seen Mon"),
        pytest.param(ldt(2026, 3, 14, 10), ldt(2026, 3, 13, 17), -1, id="overdue Fri seen Sat"),
        pytest.param(ldt(2026, 3, 19, 10), ldt(2026, 3, 13, 17), -4, id="overdue four days"),
        pytest.param(ldt(2026, 4, 7, 10), ldt(2026, 4, 2, 17), -1, id="overdue over Easter"),
        # 23:30 UTC on 1 Jun is 00:30 BST on 2 Jun: dates are London dates.
        pytest.param(udt(2026, 6, 1, 23, 30), ldt(2026, 6, 2, 10), 0, id="London date of now"),
    ],
)
def test_working_days_until(now: datetime, due: datetime, expected: int) -> None:
    assert CAL.working_days_until(now, due) == expected


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_working_days_are_counted_as_walking_them_would(after: date, span: int) -> None:
    upto = after + timedelta(days=span)
    walked, day = 0, CAL.next_working_day(after)
    while day <= upto:
        walked, day = walked + 1, CAL.next_working_day(day)
    assert CAL._count_working_days(after, upto) == walked


def test_a_long_overdue_request_costs_no_more_than_a_fresh_one() -> None:
    started = perf.perf_counter()
    for _ in range(200):
        assert CAL.working_days_until(ldt(2026, 3, 9, 10), ldt(2024, 9, 2, 10)) < -350
    assert perf.perf_counter() - started < 0.5


# --------------------------------------------------------------------------- default_calendar


def test_default_calendar_without_django_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.setattr(workdays, "settings", SimpleNamespace(configured=False))
    assert default_calendar() == WorkingCalendar()


def test_default_calendar_reads_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = SimpleNamespace(
        configured=True, WORKDAY_CUTOFF="15:30", WORKDAY_OPENS="08:30", WORKDAY_CLOSES="17:30"
    )
    monkeypatch.setattr(workdays, "settings", fake)
    assert default_calendar() == WorkingCalendar(time(15, 30), time(8, 30), time(17, 30))
    # Nothing cached: a change is seen on the next call.
    fake.WORKDAY_CUTOFF = "14:00"
    assert default_calendar().cutoff == time(14, 0)


def test_default_calendar_missing_settings_use_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workdays, "settings", SimpleNamespace(configured=True))
    assert default_calendar() == WorkingCalendar()


def test_default_calendar_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = SimpleNamespace(configured=True, WORKDAY_CUTOFF="4pm")
    monkeypatch.setattr(workdays, "settings", fake)
    with pytest.raises(ValueError, match="WORKDAY_CUTOFF"):
        default_calendar()


@pytest.mark.skipif(not django_settings.configured, reason="Django settings not configured")
def test_default_calendar_with_override_settings() -> None:
    from django.test import override_settings

    with override_settings(WORKDAY_CUTOFF="15:00", WORKDAY_OPENS="08:00", WORKDAY_CLOSES="18:00"):
        assert default_calendar() == WorkingCalendar(time(15, 0), time(8, 0), time(18, 0))
    with override_settings(WORKDAY_CUTOFF="12:00"):
        assert default_calendar().cutoff == time(12, 0)


# --------------------------------------------------------------------------- efficiency


def test_large_inputs_are_fast() -> None:
    began = perf.perf_counter()
    assert CAL.add_working_days(MON_10, 2000) is not None
    many = [
        Pause(MON_10 + timedelta(hours=h), MON_10 + timedelta(hours=h, minutes=30))
        for h in range(2000)
    ]
    assert CAL.add_working_days(MON_10, 50, pauses=many) is not None
    assert perf.perf_counter() - began < 5


# --------------------------------------------------------------------------- properties

moments = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from([UTC, LONDON]),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(received=moments, days=st.integers(min_value=0, max_value=10))
def test_property_due_is_in_business_hours_and_exact(received: datetime, days: int) -> None:
    due = CAL.add_working_days(received, days)
    assert due is not None
    assert due.tzinfo == LONDON
    assert due.utcoffset() == due.astimezone(LONDON).utcoffset()
    assert CAL.is_working_day(due.date())
    assert time(9, 0) <= due.time() <= time(17, 0)
    start = CAL.clock_start(received)
    assert start <= due
    assert CAL.working_seconds_between(start, due) == days * DAY_SECONDS
    # Monotonic: one more working day always lands strictly later.
    later = CAL.add_working_days(received, days + 1)
    assert later is not None and later > due
    assert CAL.working_seconds_between(due, later) == DAY_SECONDS


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    received=moments,
    days=st.integers(min_value=1, max_value=10),
    raw=st.lists(st.tuples(st.integers(0, 20 * 24 * 60), st.integers(0, 5 * 24 * 60)), max_size=4),
)
def test_property_pauses_only_delay(
    received: datetime, days: int, raw: list[tuple[int, int]]
) -> None:
    pauses = [
        Pause(received + timedelta(minutes=off), received + timedelta(minutes=off + length))
        for off, length in raw
    ]
    plain = CAL.add_working_days(received, days)
    paused = CAL.add_working_days(received, days, pauses=pauses)
    assert plain is not None and paused is not None
    assert paused >= plain
    assert CAL.is_working_day(paused.date())
    assert time(9, 0) <= paused.time() <= time(17, 0)
    start = CAL.clock_start(received)
    assert CAL.working_seconds_between(start, paused, pauses=pauses) == days * DAY_SECONDS


@hypothesis_settings(max_examples=200, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_property_working_time_is_additive(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted([a, b, c])
    whole = CAL.working_seconds_between(a, c)
    parts = CAL.working_seconds_between(a, b) + CAL.working_seconds_between(b, c)
    assert abs(whole - parts) <= 1  # each call floors to whole seconds
    assert CAL.working_seconds_between(c, a) == 0

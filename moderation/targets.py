"""Response targets: how soon an item must be decided, by the category it falls under.

A target is an amount and a clock. Urgent categories (threats, hate, duty of care) run on the
wall clock ("1 hour, round the clock"): nights and weekends count. The others run on the
working clock of ``portal.workdays`` (Monday-Friday, 09:00-17:00 Europe/London, bank holidays
off), with no cut-off: "4 working hours" from 16:30 on a Friday is 12:30 on Monday, and
"1 working day" is one working day's length of working time.

An item is due at ``received + target``; if still undecided, its channel's admins are alerted
then, and comms a second target later (``alert_at``): the same amount on the same clock again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models

from portal.workdays import default_calendar


class TargetUnit(models.TextChoices):
    HOURS = "hours", "hours, round the clock"
    WORKING_HOURS = "working_hours", "working hours"
    WORKING_DAYS = "working_days", "working days"


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str

    @property
    def on_working_clock(self) -> bool:
        return self.unit != TargetUnit.HOURS

    @property
    def label(self) -> str:
        """``1 hour, round the clock``, ``4 working hours``, ``1 working day``."""
        one = self.amount == 1
        if self.unit == TargetUnit.HOURS:
            return f"{self.amount} hour{'' if one else 's'}, round the clock"
        noun = "hour" if self.unit == TargetUnit.WORKING_HOURS else "day"
        return f"{self.amount} working {noun}{'' if one else 's'}"

    def after(self, moment: datetime) -> datetime:
        """The moment this target has run from ``moment``."""
        if self.unit == TargetUnit.HOURS:
            return moment + timedelta(hours=self.amount)
        calendar = default_calendar()
        per = timedelta(hours=1) if self.unit == TargetUnit.WORKING_HOURS else calendar.day_length
        return calendar.add_working_time(moment, self.amount * per)

    def due_and_alert(self, received: datetime) -> tuple[datetime, datetime]:
        """When an item received at ``received`` is due, and when comms are told it is not done."""
        due = self.after(received)
        return due, self.after(due)


# Items that screening flagged for nothing (and nobody has categorised) still get looked at.
UNFLAGGED_TARGET = Target(amount=1, unit=TargetUnit.WORKING_DAYS)

# Seeded targets by category code (migration 0005); a category comms add gets 1 working day.
DEFAULT_TARGETS: dict[str, tuple[int, str]] = {
    "threat": (1, TargetUnit.HOURS),
    "discrimination": (1, TargetUnit.HOURS),
    "illegal": (1, TargetUnit.HOURS),
    "duty_of_care": (1, TargetUnit.HOURS),
    "personal_data": (4, TargetUnit.WORKING_HOURS),
    "confidential": (4, TargetUnit.WORKING_HOURS),
    "security_risk": (4, TargetUnit.WORKING_HOURS),
    "profanity": (4, TargetUnit.WORKING_HOURS),
    "spam": (4, TargetUnit.WORKING_HOURS),
}


def describe_time_left(due: datetime, now: datetime) -> str:
    """``2 h 5 min left``, ``overdue by 3 h 10 min``, ``overdue by 2 days 4 h``."""
    seconds = int((due - now).total_seconds())
    span = abs(seconds)
    days, rest = divmod(span, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} day{'s' if days != 1 else ''} {hours} h"
    elif hours:
        text = f"{hours} h {minutes} min"
    else:
        text = f"{max(minutes, 1)} min"  # under a minute either way reads as one
    return f"{text} left" if seconds > 0 else f"overdue by {text}"

"""One injectable clock, and the calendar the authority works to (Europe/London)."""

from __future__ import annotations

import calendar
import threading
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    """Tells the current instant; always timezone-aware."""

    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(tz=LONDON)


class ManualClock:
    """A clock tests (and the e2e harness) move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("ManualClock needs timezone-aware instants")
        with self._lock:
            self._now = instant

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


def london_date(instant: datetime) -> date:
    """The calendar day in London on which an instant falls (BST-aware)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetimes are refused: say which zone they are in")
    return instant.astimezone(LONDON).date()


def month_of(instant: datetime) -> str:
    """The reporting month, 'YYYY-MM', in which an instant falls in London."""
    return london_date(instant).strftime("%Y-%m")


def first_day_of(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1)


def last_day_of(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


def months_apart(month: str, day: date) -> int:
    """How many months `month` lies from the month of `day` (0 for the same month)."""
    start = first_day_of(month)
    return abs((start.year - day.year) * 12 + start.month - day.month)


def is_working_day(day: date) -> bool:
    # Bank holidays are a later issue (they need a maintained calendar); weekends for now.
    return day.weekday() < 5


def add_working_days(day: date, count: int) -> date:
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current

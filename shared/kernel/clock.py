"""One injectable clock, and the calendar the authority works to (Europe/London): London
days and months, and working days over a holiday calendar given as a port."""

from __future__ import annotations

import calendar
import threading
from datetime import date, datetime, time, timedelta
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


class WorkingCalendar(Protocol):
    """Which days are holidays where a deployment works. The data (the UK bank holidays of
    a division) lives behind this port, in an adapter: the kernel does only the arithmetic."""

    def is_holiday(self, day: date) -> bool: ...


class WeekendsOnly:
    """No holidays at all: for tests that are about weekends, never for a deployment."""

    def is_holiday(self, day: date) -> bool:
        return False


def is_working_day(day: date, calendar: WorkingCalendar) -> bool:
    """Monday to Friday, and not a holiday on `calendar`."""
    return day.weekday() < 5 and not calendar.is_holiday(day)


def add_working_days(day: date, count: int, calendar: WorkingCalendar) -> date:
    """The working day `count` working days after `day` (`day` itself for 0)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, calendar):
            remaining -= 1
    return current


def working_day_on_or_after(day: date, calendar: WorkingCalendar) -> date:
    """`day` if it is a working day, else the next one."""
    current = day
    while not is_working_day(current, calendar):
        current += timedelta(days=1)
    return current


def working_days_after(start: date, end: date, calendar: WorkingCalendar) -> int:
    """How many working days fall after `start` up to and including `end` (0 if `end` is
    not after `start`): a Friday due date seen on the Monday after is 1 working day late."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, calendar):
            count += 1
    return count


def end_of_london_day(day: date) -> datetime:
    """The last instant of `day` in London (a day is 23 or 25 hours long at the clock
    change: midnight is taken on the London calendar, not 24 hours after the start)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON) - timedelta(
        microseconds=1)

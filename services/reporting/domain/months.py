"""Reporting months and quarters: the 12 months a report looks back over, and the
financial-year quarters Gloucestershire's Fig 1 groups older months into (Q1 April-June
... Q4 January-March)."""

from __future__ import annotations

from datetime import date

from shared.kernel.clock import last_day_of

_QUARTER_MONTHS = {1: "Apr-Jun", 2: "Jul-Sep", 3: "Oct-Dec", 4: "Jan-Mar"}


def shift(month: str, by: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def window(month: str, length: int = 12) -> list[str]:
    """The `length` months ending with `month`, oldest first."""
    return [shift(month, offset) for offset in range(1 - length, 1)]


def quarter(month: str) -> str:
    """'Q4 2018-19 (Jan-Mar)' for 2019-01: the UK financial-year quarter."""
    year, number = (int(part) for part in month.split("-"))
    q = (number - 4) % 12 // 3 + 1
    start = year if number >= 4 else year - 1
    return f"Q{q} {start}-{(start + 1) % 100:02d} ({_QUARTER_MONTHS[q]})"


def report_day(month: str, today: date) -> date:
    """The day a month's report stands at: the month's last day once it is over, else
    today (a report of the current month is a report so far)."""
    return min(last_day_of(month), today)


def previous_month_end(day: date) -> date:
    return date.fromordinal(day.replace(day=1).toordinal() - 1)

"""The UK bank holidays of a deployment's division, from the maintained `holidays` package
(England and Wales, Scotland or Northern Ireland): the tracker's `WorkingCalendar`."""

from __future__ import annotations

from datetime import date
from typing import Literal

import holidays

Division = Literal["england-and-wales", "scotland", "northern-ireland"]
# The package's subdivision codes (ISO 3166-2:GB); England and Wales share one calendar.
SUBDIVISIONS: dict[str, str] = {"england-and-wales": "ENG", "scotland": "SCT",
                                "northern-ireland": "NIR"}


class UkBankHolidays:
    """Bank holidays (with their substitute days) of one division; years load on demand."""

    def __init__(self, division: Division = "england-and-wales") -> None:
        self.division = division
        self._days = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[division])

    def is_holiday(self, day: date) -> bool:
        return day in self._days

    def name(self, day: date) -> str | None:
        found: str | None = self._days.get(day)
        return found

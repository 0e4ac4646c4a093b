"""The deployment's holiday calendar: the UK bank holidays of its division, from the
maintained `holidays` package, under the kernel's working-day arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from services.tracker.adapters.calendar import UkBankHolidays
from shared.kernel.clock import add_working_days, is_working_day


@pytest.mark.parametrize(
    ("division", "day", "holiday"),
    [
        ("england-and-wales", date(2026, 12, 25), True),   # Christmas Day
        ("england-and-wales", date(2026, 12, 28), True),   # Boxing Day, substitute Monday
        ("england-and-wales", date(2026, 4, 6), True),     # Easter Monday 2026
        ("scotland", date(2026, 4, 6), False),             # not a bank holiday in Scotland
        ("scotland", date(2026, 1, 2), True),              # 2 January, Scotland only
        ("england-and-wales", date(2026, 1, 2), False),
        ("northern-ireland", date(2026, 3, 17), True),     # St Patrick's Day
        ("northern-ireland", date(2026, 7, 13), True),     # the Twelfth, substitute Monday
        ("england-and-wales", date(2026, 3, 17), False),
        ("scotland", date(2026, 11, 30), True),            # St Andrew's Day
        ("england-and-wales", date(2026, 6, 17), False),   # an ordinary Wednesday
    ],
)
def test_each_division_has_its_own_bank_holidays(division: str, day: date,
                                                 holiday: bool) -> None:
    calendar = UkBankHolidays(division)  # type: ignore[arg-type]
    assert calendar.is_holiday(day) is holiday
    assert is_working_day(day, calendar) is (not holiday and day.weekday() < 5)


def test_working_days_step_over_easter_and_christmas() -> None:
    england = UkBankHolidays("england-and-wales")
    # Maundy Thursday 2026 + 1 working day: Good Friday, the weekend, Easter Monday pass.
    assert add_working_days(date(2026, 4, 2), 1, england) == date(2026, 4, 7)
    # Christmas Eve 2026 (Thursday) + 1: Christmas, weekend, substitute Boxing Day pass.
    assert add_working_days(date(2026, 12, 24), 1, england) == date(2026, 12, 29)
    scotland = UkBankHolidays("scotland")
    assert add_working_days(date(2026, 4, 2), 1, scotland) == date(2026, 4, 6)
    assert add_working_days(date(2025, 12, 31), 1, scotland) == date(2026, 1, 5)

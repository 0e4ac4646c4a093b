"""The authority's calendar: London days across the clock change, months, working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.kernel.clock import (
    LONDON,
    ManualClock,
    WeekendsOnly,
    add_working_days,
    end_of_london_day,
    london_date,
    month_of,
    working_day_on_or_after,
    working_days_after,
)


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        # GMT in winter: London is UTC.
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), date(2026, 1, 15)),
        # 2026-03-29 01:00Z the clocks go forward; half an hour before is still GMT.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 28, 23, 59, tzinfo=UTC), date(2026, 3, 28)),
        # In BST, late UTC evening is already the next day in London.
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30)),
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 6, 30, 22, 59, tzinfo=UTC), date(2026, 6, 30)),
        # 2026-10-25 01:00Z the clocks go back; afterwards London is UTC again.
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        # Any aware zone is converted, not just UTC.
        (datetime(2026, 7, 1, 8, 0, tzinfo=timezone(timedelta(hours=10))), date(2026, 6, 30)),
    ],
)
def test_london_date_is_the_day_on_the_calendar_in_london(instant: datetime, day: date) -> None:
    assert london_date(instant) == day


@pytest.mark.parametrize(
    ("instant", "month"),
    [
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "2026-07"),
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), "2026-06"),
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), "2025-12"),  # GMT: no rollover
        (datetime(2026, 1, 1, 0, 0, tzinfo=LONDON), "2026-01"),
        (datetime(2026, 9, 30, 23, 0, tzinfo=UTC), "2026-10"),
    ],
)
def test_month_of_is_the_reporting_month_in_london(instant: datetime, month: str) -> None:
    assert month_of(instant) == month


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 6, 30, 23, 30)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="naive"):
        london_date(naive)
    with pytest.raises(ValueError, match="naive"):
        month_of(naive)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 3, 27), 1, date(2026, 3, 30)),  # Friday + 1 = Monday
        (date(2026, 3, 27), 0, date(2026, 3, 27)),
        (date(2026, 3, 23), 1, date(2026, 3, 24)),  # Monday + 1 = Tuesday
        (date(2026, 3, 23), 5, date(2026, 3, 30)),  # a full working week
        (date(2026, 3, 26), 3, date(2026, 3, 31)),  # Thursday + 3 = next Tuesday
        (date(2026, 3, 28), 1, date(2026, 3, 30)),  # Saturday + 1 = Monday
        (date(2026, 3, 29), 1, date(2026, 3, 30)),  # Sunday + 1 = Monday
        (date(2026, 3, 2), 10, date(2026, 3, 16)),  # two working weeks
    ],
)
def test_add_working_days_skips_weekends(start: date, count: int, expected: date) -> None:
    result = add_working_days(start, count, WeekendsOnly())
    assert result == expected
    assert count == 0 or result.weekday() < 5


def test_manual_clock_tells_the_time_it_was_given_and_moves_by_hand() -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    clock = ManualClock(start)
    assert clock.now() == start

    clock.advance(timedelta(hours=1))
    assert clock.now() == start + timedelta(hours=1)
    assert london_date(clock.now()) == date(2026, 3, 29)

    later = datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    clock.set(later)
    assert clock.now() == later
    clock.advance(timedelta(days=1))
    assert clock.now() == later + timedelta(days=1)
    assert clock.now().tzinfo is not None


def test_manual_clock_refuses_naive_instants_and_keeps_its_time() -> None:
    naive = datetime(2026, 3, 29, 0, 30)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(naive)

    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    clock = ManualClock(start)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(naive)
    assert clock.now() == start


class ChristmasOnly:
    def is_holiday(self, day: date) -> bool:
        return (day.month, day.day) in {(12, 25), (12, 26)}


def test_working_day_arithmetic_skips_the_calendars_holidays() -> None:
    calendar = ChristmasOnly()
    # Thursday 24 December 2026: Friday 25 is a holiday, then the weekend.
    assert add_working_days(date(2026, 12, 24), 1, calendar) == date(2026, 12, 28)
    assert working_day_on_or_after(date(2026, 12, 25), calendar) == date(2026, 12, 28)
    assert working_day_on_or_after(date(2026, 12, 24), calendar) == date(2026, 12, 24)
    assert working_days_after(date(2026, 12, 24), date(2026, 12, 28), calendar) == 1
    assert working_days_after(date(2026, 12, 28), date(2026, 12, 24), calendar) == 0


@pytest.mark.parametrize(
    ("day", "last_instant_utc"),
    [
        (date(2026, 1, 15), datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=UTC)),
        # Summer: midnight in London is 23:00 UTC.
        (date(2026, 7, 1), datetime(2026, 7, 1, 22, 59, 59, 999999, tzinfo=UTC)),
        # The 23-hour day the clocks go forward and the 25-hour day they go back.
        (date(2026, 3, 29), datetime(2026, 3, 29, 22, 59, 59, 999999, tzinfo=UTC)),
        (date(2026, 10, 25), datetime(2026, 10, 25, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_the_end_of_a_london_day(day: date, last_instant_utc: datetime) -> None:
    assert end_of_london_day(day) == last_instant_utc
    assert london_date(end_of_london_day(day)) == day

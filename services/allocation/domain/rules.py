"""The allocation service's business rules, each written once (see shared/kernel/rules.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from shared.kernel.clock import first_day_of, last_day_of, months_apart
from shared.kernel.rules import Rule

# How far a return deadline may fall after its month: a quarter, for late programmes.
DEADLINE_GRACE = timedelta(days=92)


class Opening(Protocol):
    @property
    def month(self) -> str: ...

    @property
    def return_deadline(self) -> date | None: ...


class OpeningToday(Protocol):
    @property
    def month(self) -> str: ...

    @property
    def today(self) -> date: ...


DEADLINE_AFTER_ITS_MONTH_BEGINS: Rule[Opening] = Rule(
    field="return_deadline",
    message="a return deadline falls within its cycle's month or at most 92 days after it",
    holds=lambda c: c.return_deadline is None
    or first_day_of(c.month) <= c.return_deadline <= last_day_of(c.month) + DEADLINE_GRACE,
)
CYCLE_MONTH_NEAR_TODAY: Rule[OpeningToday] = Rule(
    field="month",
    message="a cycle is opened for a month at most 12 months before or after this one",
    holds=lambda c: months_apart(c.month, c.today) <= 12,
)

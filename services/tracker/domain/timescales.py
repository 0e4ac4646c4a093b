"""The tracker's timetable: when an action goes up, and when a Category 1 needs its
Head of Service's response. Working days come from the deployment's holiday calendar.

- An action due on a day is done by the end of that day: overdue from the next
  calendar day, whatever day of the week that is (ActionOverdue once per due date).
- Escalation points count *working* days overdue (the working days after the due date up
  to today): 14 and 28 by default, the first to the Head of Service, the rest to the
  director. A weekend or a bank holiday gives the owner no less time, and an escalation
  never lands on a day nobody works.
- A Category 1 raised at an instant is due a Head of Service response by the end of that
  London day if it is a working day, else by the end of the next working day (raised on
  Saturday or on Christmas Day: due the next working day, all day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from shared.kernel.clock import WorkingCalendar, london_date, working_day_on_or_after

EscalationRole = Literal["head-of-service", "director"]


@dataclass(frozen=True)
class Escalation:
    """Working days overdue at which an action goes up, in increasing order."""

    points: tuple[int, ...]
    calendar: WorkingCalendar

    def __post_init__(self) -> None:
        if not self.points or any(p < 1 for p in self.points) or list(self.points) != sorted(
                set(self.points)):
            raise ValueError("escalation points are whole working days, at least 1, "
                             f"increasing (e.g. 14,28); got {self.points}")

    @staticmethod
    def role_for(level: int) -> EscalationRole:
        return "head-of-service" if level == 1 else "director"


def response_due_on(since: datetime, calendar: WorkingCalendar) -> date:
    """The day by whose end a Category 1 needs its Head of Service's response."""
    return working_day_on_or_after(london_date(since), calendar)

"""The audit cycle of one month and service area: opened once."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

from services.allocation.domain.commands import OpenCycle
from shared.events.allocation import AuditCycleOpened
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, keep_only
from shared.kernel.errors import RuleBroken

Cycle = AuditCycleOpened | None


def last_day_of(month: str) -> date:
    """A cycle's default return deadline: the last day of its month."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


def decide(command: OpenCycle, state: Cycle) -> Sequence[EventContract]:
    if state is not None:
        raise RuleBroken(f"the {command.month} cycle is already open")
    return [AuditCycleOpened(cycle_id=command.cycle_id, month=command.month,
                             return_deadline=command.return_deadline)]


CYCLE: Decider[OpenCycle, Cycle] = Decider("cycle", None, keep_only(AuditCycleOpened), decide)

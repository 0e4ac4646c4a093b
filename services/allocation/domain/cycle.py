"""The audit cycle of one month and service area: opened once."""

from __future__ import annotations

from collections.abc import Sequence

from services.allocation.domain.commands import OpenCycle
from services.allocation.domain.rules import (
    CYCLE_MONTH_NEAR_TODAY,
    DEADLINE_AFTER_ITS_MONTH_BEGINS,
)
from shared.events.allocation import AuditCycleOpened
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, keep_only
from shared.kernel.errors import RuleBroken

Cycle = AuditCycleOpened | None


def decide(command: OpenCycle, state: Cycle) -> Sequence[EventContract]:
    if state is not None:
        raise RuleBroken(f"the {command.month} cycle is already open")
    CYCLE_MONTH_NEAR_TODAY.check(command)
    DEADLINE_AFTER_ITS_MONTH_BEGINS.check(command)
    return [AuditCycleOpened(cycle_id=command.cycle_id, month=command.month,
                             return_deadline=command.return_deadline)]


CYCLE: Decider[OpenCycle, Cycle] = Decider("cycle", None, keep_only(AuditCycleOpened), decide)

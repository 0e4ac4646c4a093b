"""The audit service's index of a cycle's audits: each assigned audit joins it, so that
the cycle's close (AuditCycleClosed) reaches every one of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from services.audit.domain.commands import CloseCycle, CycleCommand, JoinCycle
from services.audit.domain.events import AuditJoinedCycle, CycleCloseApplied
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command


@dataclass(frozen=True)
class Cycle:
    audits: tuple[uuid.UUID, ...] = ()
    closed: bool = False


def evolve(state: Cycle, event: EventContract) -> Cycle:
    if isinstance(event, AuditJoinedCycle):
        return replace(state, audits=(*state.audits, event.audit_id))
    if isinstance(event, CycleCloseApplied):
        return replace(state, closed=True)
    return state


def join(command: JoinCycle, state: Cycle) -> list[EventContract]:
    if command.audit_id in state.audits:
        return []
    return [AuditJoinedCycle(cycle_id=command.cycle_id, audit_id=command.audit_id)]


def close(command: CloseCycle, state: Cycle) -> list[EventContract]:
    return [] if state.closed else [CycleCloseApplied(cycle_id=command.cycle_id,
                                                      audits=command.audits)]


CYCLE: Decider[CycleCommand, Cycle] = Decider(
    "audit-cycle", Cycle(), evolve, by_command({JoinCycle: join, CloseCycle: close}))

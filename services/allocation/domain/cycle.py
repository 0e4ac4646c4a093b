"""The audit cycle of one month and service area: opened once, cases allocated to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.allocation.domain.commands import AllocateCase, OpenCycle
from shared.contracts import EventContract
from shared.domain import NotFound, RuleBroken
from shared.events.allocation import (
    AuditCycleOpened,
    AuditorRegistered,
    CaseAllocated,
    CaseRegistered,
)


@dataclass(frozen=True)
class Cycle:
    opened: AuditCycleOpened | None
    allocated_cases: frozenset[str]


def replay(history: Sequence[EventContract]) -> Cycle:
    opened: AuditCycleOpened | None = None
    allocated: set[str] = set()
    for event in history:
        if isinstance(event, AuditCycleOpened):
            opened = event
        elif isinstance(event, CaseAllocated):
            allocated.add(str(event.case_id))
    return Cycle(opened, frozenset(allocated))


def open_cycle(history: Sequence[EventContract], command: OpenCycle) -> list[EventContract]:
    if replay(history).opened is not None:
        raise RuleBroken(f"the {command.month} cycle is already open")
    return [
        AuditCycleOpened(
            cycle_id=command.cycle_id, month=command.month,
            return_deadline=command.return_deadline,
        )
    ]


def allocate_case(
    history: Sequence[EventContract],
    command: AllocateCase,
    case: CaseRegistered,
    auditor: AuditorRegistered,
) -> list[EventContract]:
    cycle = replay(history)
    if cycle.opened is None:
        raise NotFound("no cycle is open for that month and service area")
    if case.team == auditor.team:
        raise RuleBroken(
            f"auditor {auditor.auditor_id} is in team {auditor.team}, the case's own team: "
            "an auditor never audits their own team's work"
        )
    if str(case.case_id) in cycle.allocated_cases:
        raise RuleBroken("this case is already allocated in this cycle")
    return [
        CaseAllocated(
            allocation_id=command.allocation_id,
            cycle_id=cycle.opened.cycle_id,
            month=cycle.opened.month,
            return_deadline=cycle.opened.return_deadline,
            case_id=case.case_id,
            child_ref=case.child_ref,
            legal_status=case.legal_status,
            case_team=case.team,
            auditor_id=auditor.auditor_id,
            auditor_team=auditor.team,
        )
    ]

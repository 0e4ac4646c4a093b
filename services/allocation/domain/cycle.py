"""The audit cycle of one month and service area: opened once; each case allocated to
it once."""

from __future__ import annotations

from collections.abc import Sequence

from services.allocation.domain.commands import AllocateCase, OpenCycle
from shared.contracts import EventContract
from shared.domain import NotFound, RuleBroken
from shared.events.allocation import (
    AuditCycleOpened,
    AuditorRegistered,
    CaseAllocated,
    CaseRegistered,
)


def opened(history: Sequence[EventContract]) -> AuditCycleOpened | None:
    return next((e for e in history if isinstance(e, AuditCycleOpened)), None)


def open_cycle(history: Sequence[EventContract], command: OpenCycle) -> list[EventContract]:
    if opened(history) is not None:
        raise RuleBroken(f"the {command.month} cycle is already open")
    return [
        AuditCycleOpened(
            cycle_id=command.cycle_id, month=command.month,
            return_deadline=command.return_deadline,
        )
    ]


def allocate_case(
    cycle_history: Sequence[EventContract],
    allocation_history: Sequence[EventContract],
    command: AllocateCase,
    case: CaseRegistered,
    auditor: AuditorRegistered,
) -> list[EventContract]:
    """`allocation_history` is the stream of this case in this cycle: each case's
    allocation is a stream of its own, so allocations never contend with one another and
    "once per cycle" is a rule about a short stream, not a scan of the whole month."""
    cycle = opened(cycle_history)
    if cycle is None:
        raise NotFound("no cycle is open for that month and service area")
    if case.team == auditor.team:
        raise RuleBroken(
            f"auditor {auditor.auditor_id} is in team {auditor.team}, the case's own team: "
            "an auditor never audits their own team's work"
        )
    if any(isinstance(event, CaseAllocated) for event in allocation_history):
        raise RuleBroken("this case is already allocated in this cycle")
    return [
        CaseAllocated(
            allocation_id=command.allocation_id,
            cycle_id=cycle.cycle_id,
            month=cycle.month,
            return_deadline=cycle.return_deadline,
            case_id=case.case_id,
            child_ref=case.child_ref,
            legal_status=case.legal_status,
            case_team=case.team,
            auditor_id=auditor.auditor_id,
            auditor_team=auditor.team,
        )
    ]

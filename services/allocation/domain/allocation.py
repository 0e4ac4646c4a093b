"""One case's allocation in one cycle: a stream of its own, so allocations never contend
with one another and "once per cycle" is a rule about a short stream, not a scan of
the whole month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.allocation.domain.commands import Allocate
from services.allocation.domain.events import AuditorRegistered, CaseRegistered
from shared.events.allocation import CaseAllocated
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, keep_only
from shared.kernel.errors import NotFound, RuleBroken
from shared.kernel.rules import Rule


@dataclass(frozen=True)
class Pairing:
    case: CaseRegistered
    auditor: AuditorRegistered


NOT_OWN_TEAM: Rule[Pairing] = Rule(
    field="auditor_id",
    message="an auditor never audits their own team's work",
    holds=lambda pair: pair.case.team != pair.auditor.team,
)

Allocation = CaseAllocated | None


def decide(command: Allocate, state: Allocation) -> Sequence[EventContract]:
    cycle, case, auditor = command.cycle, command.case, command.auditor
    if cycle is None:
        raise NotFound("no cycle is open for that month and service area")
    if case is None:
        raise NotFound("no such case is registered")
    if auditor is None:
        raise NotFound("no such auditor is registered")
    if not NOT_OWN_TEAM.holds(Pairing(case, auditor)):
        raise RuleBroken(f"auditor {auditor.auditor_id} is in team {auditor.team}, the "
                         f"case's own team: {NOT_OWN_TEAM.message}")
    if state is not None:
        raise RuleBroken("this case is already allocated in this cycle")
    return [
        CaseAllocated(
            allocation_id=command.allocation_id, cycle_id=cycle.cycle_id, month=cycle.month,
            return_deadline=cycle.return_deadline, case_id=case.case_id,
            child_ref=case.child_ref, legal_status=case.legal_status, case_team=case.team,
            auditor_id=auditor.auditor_id, auditor_team=auditor.team,
        )
    ]


ALLOCATION: Decider[Allocate, Allocation] = Decider(
    "allocation", None, keep_only(CaseAllocated), decide)

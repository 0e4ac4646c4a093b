"""One case's allocation in one cycle: a stream of its own, so allocations never contend
with one another and "once per cycle" is a rule about a short stream, not a scan of
the whole month. It also hears of its audit's return, and of a nil return at the close."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.allocation.domain.commands import (
    Allocate,
    Reallocate,
    RecordNilReturn,
    RecordReturn,
)
from services.allocation.domain.cycle import Cycle, still_open
from services.allocation.domain.events import AllocatedByHand, AuditReturnRecorded, CaseRecorded
from services.allocation.domain.rules import Pairing, broken_by
from shared.events.allocation import (
    AuditCycleOpened,
    CaseAllocated,
    CaseReallocated,
    NilReturnRecorded,
    StaffMemberRecorded,
)
from shared.events.vocabulary import SelectionReason
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command, keep_latest
from shared.kernel.errors import NotFound, RuleBroken


@dataclass(frozen=True)
class Allocation:
    allocated: CaseAllocated | None = None
    moved: CaseReallocated | None = None
    returned: AuditReturnRecorded | None = None
    nil: NilReturnRecorded | None = None

    @property
    def auditor_id(self) -> str | None:
        if self.moved is not None:
            return self.moved.auditor_id
        return self.allocated.auditor_id if self.allocated is not None else None


def may_audit(cycle: Cycle, opened: AuditCycleOpened, case: CaseRecorded,
              auditor: StaffMemberRecorded, exempted: bool) -> None:
    """Refuses, naming every rule the pairing breaks."""
    broken = [rule.message for rule in broken_by(Pairing(case, auditor, cycle.own_team_audits))]
    if exempted:
        broken.append(f"they are exempted from auditing in {opened.month}")
    if broken:
        raise RuleBroken(f"auditor {auditor.person_id} (team {auditor.team}) may not audit "
                         f"this case (team {case.team}): {'; '.join(broken)}")


def allocate(command: Allocate, state: Allocation) -> Sequence[EventContract]:
    opened = still_open(command.cycle)
    case, auditor = command.case, command.auditor
    if case is None:
        raise NotFound("no such case is registered")
    if auditor is None:
        raise NotFound(f"{command.auditor_id} is not in this service area's auditor pool "
                       f"in {opened.month}")
    if state.allocated is not None:
        raise RuleBroken("this case is already allocated in this cycle")
    may_audit(command.cycle, opened, case, auditor, command.exempted)
    drawn = command.cycle.drew(case.case_id)
    if drawn is None and command.cycle.drawn is not None and not command.reason:
        raise RuleBroken("this case is not in the month's draw: allocating it by hand "
                         "needs a reason")
    tool = opened.rules.core_tool if opened.rules is not None else "core"
    events: list[EventContract] = [CaseAllocated(
        allocation_id=command.allocation_id, cycle_id=opened.cycle_id, month=opened.month,
        return_deadline=opened.return_deadline, case_id=case.case_id,
        child_ref=case.child_ref, legal_status=case.legal_status, case_team=case.team,
        auditor_id=auditor.person_id, auditor_team=auditor.team,
        selection=drawn.selection if drawn else SelectionReason.MANUAL,
        theme=drawn.theme if drawn else None,
        audit_tool=drawn.audit_tool if drawn else tool,
        social_worker_id=case.social_worker_id, case_manager_id=case.manager_id)]
    if command.reason:
        events.append(AllocatedByHand(allocation_id=command.allocation_id,
                                      reason=command.reason))
    return events


def reallocate(command: Reallocate, state: Allocation) -> Sequence[EventContract]:
    if state.allocated is None or state.auditor_id is None:
        raise NotFound("no such allocation")
    opened = still_open(command.cycle)
    if state.returned is not None:
        raise RuleBroken("its audit has been submitted, so it stays with its auditor")
    if command.auditor is None or command.case is None:
        raise NotFound(f"{command.auditor_id} is not in this service area's auditor pool "
                       f"in {opened.month}")
    if command.auditor.person_id == state.auditor_id:
        raise RuleBroken(f"the case is already allocated to {state.auditor_id}")
    may_audit(command.cycle, opened, command.case, command.auditor, command.exempted)
    return [CaseReallocated(
        allocation_id=state.allocated.allocation_id, cycle_id=opened.cycle_id,
        month=opened.month, from_auditor_id=state.auditor_id,
        auditor_id=command.auditor.person_id, auditor_team=command.auditor.team,
        reason=command.reason)]


def record_return(command: RecordReturn, state: Allocation) -> Sequence[EventContract]:
    """Once per submission: a redelivered AuditSubmitted changes nothing."""
    if state.allocated is None:
        return []  # not an allocation of this store (another deployment's): pass over
    if state.returned is not None and state.returned.submission >= command.submission:
        return []
    return [AuditReturnRecorded(allocation_id=command.allocation_id, audit_id=command.audit_id,
                                submission=command.submission, late=command.late)]


def record_nil_return(command: RecordNilReturn, state: Allocation) -> Sequence[EventContract]:
    allocated = state.allocated
    if allocated is None or state.auditor_id is None or state.returned or state.nil:
        return []
    return [NilReturnRecorded(allocation_id=allocated.allocation_id,
                              cycle_id=allocated.cycle_id, month=allocated.month,
                              auditor_id=state.auditor_id)]


ALLOCATION: Decider[Allocate | Reallocate | RecordReturn | RecordNilReturn, Allocation] = Decider(
    "allocation", Allocation(),
    keep_latest(allocated=CaseAllocated, moved=CaseReallocated, returned=AuditReturnRecorded,
                nil=NilReturnRecorded),
    by_command({Allocate: allocate, Reallocate: reallocate, RecordReturn: record_return,
                RecordNilReturn: record_nil_return}))

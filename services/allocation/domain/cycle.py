"""The audit cycle of one month and service area, one stream: opened once with its rules,
seed, terms and draw; each automatic allocation pass; closed once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from services.allocation.domain.commands import CloseCycle, OpenCycle, RecordRun
from services.allocation.domain.events import (
    AllocationRunRecorded,
    CasesDrawn,
    CycleTermsRecorded,
    DrawnCase,
    OwnTeamAudits,
)
from services.allocation.domain.rules import (
    CLOSES_AFTER_ITS_DEADLINE,
    CYCLE_MONTH_NEAR_TODAY,
    DEADLINE_AFTER_ITS_MONTH_BEGINS,
    QUOTAS_WITHIN_CORE,
)
from services.allocation.domain.selection import draw
from shared.events.allocation import AuditCycleClosed, AuditCycleOpened
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command, keep_latest
from shared.kernel.errors import NotFound, RuleBroken


@dataclass(frozen=True)
class Cycle:
    opened: AuditCycleOpened | None = None
    terms: CycleTermsRecorded | None = None
    drawn: CasesDrawn | None = None
    last_run: AllocationRunRecorded | None = None
    closed: AuditCycleClosed | None = None

    @property
    def own_team_audits(self) -> OwnTeamAudits:
        # Cycles opened before terms were recorded ran under the platform's one rule.
        return self.terms.own_team_audits if self.terms is not None else "forbidden"

    @property
    def audits_per_auditor(self) -> int:
        return self.terms.audits_per_auditor if self.terms is not None else 1

    def drew(self, case_id: uuid.UUID) -> DrawnCase | None:
        if self.drawn is None:
            return None
        return next((case for case in self.drawn.selected if case.case_id == case_id), None)


def open_cycle(command: OpenCycle, state: Cycle) -> Sequence[EventContract]:
    if state.opened is not None:
        raise RuleBroken(f"the {command.month} cycle is already open")
    CYCLE_MONTH_NEAR_TODAY.check(command)
    DEADLINE_AFTER_ITS_MONTH_BEGINS.check(command)
    QUOTAS_WITHIN_CORE.check(command)
    moderators = {p.person_id for p in command.pool if p.moderator_since is not None}
    strangers = sorted(set(command.moderating) - moderators)
    if strangers:
        raise RuleBroken(f"not trained moderators in this pool: {', '.join(strangers)}")
    auditors = [p for p in command.pool if p.person_id not in command.moderating]
    events: list[EventContract] = [
        AuditCycleOpened(cycle_id=command.cycle_id, month=command.month,
                         return_deadline=command.return_deadline, rules=command.rules,
                         seed=command.seed, auditors_in_pool=len(auditors)),
        CycleTermsRecorded(cycle_id=command.cycle_id, own_team_audits=command.own_team_audits,
                           audits_per_auditor=command.audits_per_auditor,
                           moderating=sorted(command.moderating)),
    ]
    if command.rules is not None and command.seed is not None:
        drawn = draw(command.rules, command.seed, command.register, command.today)
        events.append(CasesDrawn(cycle_id=command.cycle_id,
                                 register_size=len(command.register),
                                 selected=drawn.selected, shortfalls=drawn.shortfalls))
    return events


def still_open(state: Cycle) -> AuditCycleOpened:
    if state.opened is None:
        raise NotFound("no cycle is open for that month and service area")
    if state.closed is not None:
        raise RuleBroken(f"the {state.opened.month} cycle is closed")
    return state.opened


def record_run(command: RecordRun, state: Cycle) -> Sequence[EventContract]:
    opened = still_open(state)
    return [AllocationRunRecorded(cycle_id=opened.cycle_id, allocated=command.allocated,
                                  unplaced=list(command.unplaced),
                                  resting=list(command.resting))]


def close(command: CloseCycle, state: Cycle) -> Sequence[EventContract]:
    if state.opened is None:
        raise NotFound("no cycle is open for that month and service area")
    if state.closed is not None:
        return []  # closing again changes nothing: the schedule may close it too
    CLOSES_AFTER_ITS_DEADLINE.check(SimpleNamespace(
        return_deadline=state.opened.return_deadline, today=command.today))
    counts = command.counts
    return [AuditCycleClosed(
        cycle_id=state.opened.cycle_id, month=state.opened.month,
        auditors_in_pool=counts.auditors_in_pool,
        non_operational_exemptions=counts.non_operational_exemptions,
        operational_exemptions=counts.operational_exemptions, allocated=counts.allocated,
        completed=counts.completed, late_returns=counts.late_returns,
        nil_returns=counts.nil_returns)]


CYCLE: Decider[OpenCycle | RecordRun | CloseCycle, Cycle] = Decider(
    "cycle", Cycle(),
    keep_latest(opened=AuditCycleOpened, terms=CycleTermsRecorded, drawn=CasesDrawn,
                last_run=AllocationRunRecorded, closed=AuditCycleClosed),
    by_command({OpenCycle: open_cycle, RecordRun: record_run, CloseCycle: close}))

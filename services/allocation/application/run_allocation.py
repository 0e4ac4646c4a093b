"""The automatic allocation of a cycle's drawn cases that are not yet allocated: the
placement (a pure function) decides, then each placement is recorded as a CaseAllocated
on its own stream, each resting part-timer as an exemption, and the pass itself (with
every case it could not place and why) on the cycle's stream, all in one transaction.
It can run again after exemptions or new staff: it places only what is still unplaced."""

from __future__ import annotations

import uuid
from collections import Counter

from services.allocation.application.queries import Directory
from services.allocation.application.results import AllocationRun
from services.allocation.domain.allocation import ALLOCATION
from services.allocation.domain.commands import Allocate, RecordRun, RestPartTimer
from services.allocation.domain.cycle import CYCLE, still_open
from services.allocation.domain.events import CaseRecorded
from services.allocation.domain.exemptions import EXEMPTION
from services.allocation.domain.placement import Policy, place
from services.allocation.domain.register import CASE
from services.allocation.domain.streams import (
    allocation_stream,
    case_stream,
    cycle_id,
    cycle_stream,
    exemption_id,
    exemption_stream,
)
from shared.events.allocation import CaseAllocated
from shared.kernel.errors import RuleBroken
from shared.kit.unit_of_work import UnitOfWork


def month_before(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


async def handle(month: str, directory: Directory, unit: UnitOfWork) -> AllocationRun:
    meta = unit.metadata
    area, cycle = meta.service_area, cycle_id(meta.tenant, meta.service_area, month)
    state = await unit.state(CYCLE, cycle_stream(cycle))
    opened = still_open(state)
    if state.drawn is None:
        raise RuleBroken(f"the {month} cycle was opened without selection rules: there is "
                         "no draw to allocate (allocate by hand)")
    placed = await directory.allocations(cycle)
    done = {p.case_id for p in placed}
    waiting = [d.case_id for d in state.drawn.selected if d.case_id not in done]
    moderating = set(state.terms.moderating if state.terms else ())
    pool = [p for p in await directory.pool(area, month) if p.person_id not in moderating]
    exemptions = {p.person_id: exemption_stream(exemption_id(meta.tenant, p.person_id, month))
                  for p in pool}
    await unit.prefetch(*(case_stream(c) for c in waiting), *exemptions.values())
    cases = [case for c in waiting
             if (case := await unit.state(CASE, case_stream(c))) is not None]
    exempted = {person for person, stream in exemptions.items()
                if (await unit.state(EXEMPTION, stream)).exempted is not None}
    last_month = await directory.allocations(cycle_id(meta.tenant, area, month_before(month)))
    plan = place(cases, pool, Policy(state.own_team_audits, state.audits_per_auditor),
                 load=Counter(p.auditor_id for p in placed), exempted=exempted,
                 audited_last_month={p.auditor_id for p in last_month},
                 seed=opened.seed or 0)
    for person in plan.resting:
        await unit.execute(EXEMPTION, exemptions[person], RestPartTimer(
            exemption_id(meta.tenant, person, month), cycle, month, person))
    by_id: dict[uuid.UUID, CaseRecorded] = {case.case_id: case for case in cases}
    members = {p.person_id: p for p in pool}
    allocated: list[CaseAllocated] = []
    for case_id, person in plan.assignments.items():
        events = await unit.execute(ALLOCATION, allocation_stream(cycle, case_id), Allocate(
            allocation_id=uuid.uuid4(), cycle=state, case=by_id[case_id], auditor_id=person,
            auditor=members[person]))
        allocated += [e for e in events if isinstance(e, CaseAllocated)]
    await unit.execute(CYCLE, cycle_stream(cycle), RecordRun(
        len(allocated), tuple(plan.unplaced), tuple(plan.resting)))
    return AllocationRun(allocated=allocated, unplaced=plan.unplaced, resting=plan.resting)

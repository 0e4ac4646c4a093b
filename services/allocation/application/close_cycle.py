"""Closing a cycle: every allocation whose audit was not submitted gets a nil return (an
event each), then the cycle records its figures. Closing again changes nothing, so the
schedule and a person may both close it."""

from __future__ import annotations

import logging
from functools import partial

from services.allocation.application.queries import Directory
from services.allocation.application.results import Closed
from services.allocation.domain.allocation import ALLOCATION
from services.allocation.domain.commands import CloseCycle, RecordNilReturn
from services.allocation.domain.cycle import CYCLE
from services.allocation.domain.figures import Counts
from services.allocation.domain.streams import allocation_stream, cycle_id, cycle_stream
from shared.kernel.actor import SystemProcess
from shared.kernel.clock import Clock, london_date
from shared.kernel.errors import NotFound
from shared.kit.commands import CommandContext, CommandRunner
from shared.kit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
CLOSER = SystemProcess(name="allocation-cycle-close")


async def handle(month: str, directory: Directory, unit: UnitOfWork) -> Closed:
    meta = unit.metadata
    cycle = cycle_id(meta.tenant, meta.service_area, month)
    state = await unit.state(CYCLE, cycle_stream(cycle))
    if state.opened is None:
        raise NotFound(f"no {month} cycle has been opened for {meta.service_area}")
    if state.closed is not None:
        return Closed(cycle_id=cycle, month=month, nil_returns_recorded=0, closed_now=False)
    streams = [allocation_stream(cycle, p.case_id) for p in await directory.allocations(cycle)]
    await unit.prefetch(*streams)
    recorded = 0
    today = london_date(unit.now)
    if today > state.opened.return_deadline:  # else the close below refuses, naming why
        for stream in streams:
            recorded += len(await unit.execute(ALLOCATION, stream, RecordNilReturn()))
    allocations = [await unit.state(ALLOCATION, stream) for stream in streams]
    exemptions = await directory.exemption_counts(cycle)
    counts = Counts(
        auditors_in_pool=state.opened.auditors_in_pool or 0,
        non_operational_exemptions=exemptions.non_operational,
        operational_exemptions=exemptions.operational,
        allocated=sum(a.allocated is not None for a in allocations),
        completed=sum(a.returned is not None for a in allocations),
        late_returns=sum(a.returned is not None and a.returned.late for a in allocations),
        nil_returns=sum(a.nil is not None for a in allocations))
    await unit.execute(CYCLE, cycle_stream(cycle), CloseCycle(today, counts))
    return Closed(cycle_id=cycle, month=month, nil_returns_recorded=recorded, closed_now=True)


async def close_due_cycles(commands: CommandRunner, directory: Directory, clock: Clock) -> int:
    """One pass of the schedule: closes every open cycle whose deadline has passed."""
    closed = 0
    for area, month in await directory.due_for_closing(london_date(clock.now())):
        context = CommandContext(name="CloseCycle", actor=CLOSER, service_area=area,
                                 request={"month": month, "service_area": area})
        try:
            answer = await commands.run(context, partial(handle, month, directory), Closed)
        except Exception:
            # One cycle that cannot close must not hold up the others.
            log.exception("closing the %s cycle of %s failed", month, area)
            continue
        if answer.closed_now:
            closed += 1
            log.info("closed the %s cycle of %s (%d nil returns)", month, area,
                     answer.nil_returns_recorded)
    return closed

from __future__ import annotations

from services.allocation.domain.allocation import ALLOCATION
from services.allocation.domain.commands import Allocate, AllocateCase
from services.allocation.domain.cycle import CYCLE
from services.allocation.domain.directory import AUDITOR, CASE
from services.allocation.domain.streams import (
    allocation_stream,
    auditor_stream,
    case_stream,
    cycle_id,
    cycle_stream,
)
from shared.events.allocation import CaseAllocated
from shared.kit.unit_of_work import UnitOfWork


async def handle(command: AllocateCase, unit: UnitOfWork) -> CaseAllocated:
    """Answers with the allocation as recorded: the CaseAllocated facts."""
    meta = unit.metadata
    cycle = cycle_id(meta.tenant, meta.service_area, command.month)
    stream = allocation_stream(cycle, command.case_id)
    streams = (cycle_stream(cycle), case_stream(command.case_id),
               auditor_stream(meta.tenant, command.auditor_id))
    await unit.prefetch(stream, *streams)  # all four in one round trip
    decided = Allocate(
        allocation_id=command.allocation_id,
        cycle=await unit.state(CYCLE, streams[0]),
        case=await unit.state(CASE, streams[1]),
        auditor=await unit.state(AUDITOR, streams[2]),
    )
    (allocated,) = await unit.execute(ALLOCATION, stream, decided)
    assert isinstance(allocated, CaseAllocated)  # the decider's only event
    return allocated

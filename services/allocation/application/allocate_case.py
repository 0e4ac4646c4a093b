"""Allocating a case by hand: to a named auditor, with a reason when the case is not in
the month's draw."""

from __future__ import annotations

from services.allocation.application.queries import Directory
from services.allocation.domain.allocation import ALLOCATION
from services.allocation.domain.commands import Allocate, AllocateCase
from services.allocation.domain.cycle import CYCLE
from services.allocation.domain.exemptions import EXEMPTION
from services.allocation.domain.register import CASE
from services.allocation.domain.streams import (
    allocation_stream,
    case_stream,
    cycle_id,
    cycle_stream,
    exemption_id,
    exemption_stream,
)
from shared.events.allocation import CaseAllocated, StaffMemberRecorded
from shared.kit.unit_of_work import UnitOfWork


async def member(directory: Directory, area: str, month: str,
                 person_id: str) -> StaffMemberRecorded | None:
    return next((p for p in await directory.pool(area, month) if p.person_id == person_id),
                None)


async def handle(command: AllocateCase, directory: Directory,
                 unit: UnitOfWork) -> CaseAllocated:
    """Answers with the allocation as recorded: the CaseAllocated facts."""
    meta = unit.metadata
    cycle = cycle_id(meta.tenant, meta.service_area, command.month)
    stream = allocation_stream(cycle, command.case_id)
    exemption = exemption_stream(exemption_id(meta.tenant, command.auditor_id, command.month))
    await unit.prefetch(stream, cycle_stream(cycle), case_stream(command.case_id), exemption)
    decided = Allocate(
        allocation_id=command.allocation_id,
        cycle=await unit.state(CYCLE, cycle_stream(cycle)),
        case=await unit.state(CASE, case_stream(command.case_id)),
        auditor_id=command.auditor_id,
        auditor=await member(directory, meta.service_area, command.month, command.auditor_id),
        exempted=(await unit.state(EXEMPTION, exemption)).exempted is not None,
        reason=command.reason)
    allocated = (await unit.execute(ALLOCATION, stream, decided))[0]
    assert isinstance(allocated, CaseAllocated)  # the decision's first event
    return allocated

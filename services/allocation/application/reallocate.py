"""Moving an allocation to another auditor (sickness, leave, a declared conflict of
interest...): the same rules as allocating, and a reason."""

from __future__ import annotations

import uuid

from services.allocation.application.allocate_case import member
from services.allocation.application.queries import Directory
from services.allocation.application.results import Reallocated
from services.allocation.domain.allocation import ALLOCATION
from services.allocation.domain.commands import Reallocate, ReallocationReason
from services.allocation.domain.cycle import CYCLE
from services.allocation.domain.exemptions import EXEMPTION
from services.allocation.domain.register import CASE
from services.allocation.domain.streams import (
    allocation_stream,
    case_stream,
    cycle_stream,
    exemption_id,
    exemption_stream,
)
from shared.events.allocation import CaseReallocated
from shared.kernel.errors import NotFound
from shared.kit.unit_of_work import UnitOfWork


async def handle(allocation_id: uuid.UUID, auditor_id: str, reason: ReallocationReason,
                 directory: Directory, unit: UnitOfWork) -> Reallocated:
    meta = unit.metadata
    placed = await directory.allocation(allocation_id)
    if placed is None or placed.service_area != meta.service_area:
        raise NotFound(f"no allocation {allocation_id} in {meta.service_area}")
    stream = allocation_stream(placed.cycle_id, placed.case_id)
    exemption = exemption_stream(exemption_id(meta.tenant, auditor_id, placed.month))
    await unit.prefetch(stream, cycle_stream(placed.cycle_id), case_stream(placed.case_id),
                        exemption)
    command = Reallocate(
        cycle=await unit.state(CYCLE, cycle_stream(placed.cycle_id)),
        case=await unit.state(CASE, case_stream(placed.case_id)), auditor_id=auditor_id,
        auditor=await member(directory, meta.service_area, placed.month, auditor_id),
        reason=reason, exempted=(await unit.state(EXEMPTION, exemption)).exempted is not None)
    moved = (await unit.execute(ALLOCATION, stream, command))[0]
    assert isinstance(moved, CaseReallocated)
    return Reallocated(allocation_id=allocation_id, from_auditor_id=moved.from_auditor_id,
                       auditor_id=moved.auditor_id, reason=moved.reason)

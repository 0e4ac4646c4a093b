from __future__ import annotations

from services.allocation.domain import cycle, directory
from services.allocation.domain.commands import AllocateCase
from services.allocation.domain.streams import (
    allocation_stream,
    auditor_stream,
    case_stream,
    cycle_id,
    cycle_stream,
)
from shared.service.commands import Answer, UnitOfWork


async def handle(command: AllocateCase, *, month: str, unit: UnitOfWork) -> Answer:
    meta = unit.metadata
    cycle_of_month = cycle_id(meta.tenant, meta.service_area, month)
    stream = allocation_stream(cycle_of_month, command.case_id)
    (_, cycle_history), (version, history), (_, case_history), (_, auditor_history) = (
        await unit.histories(
            cycle_stream(cycle_of_month), stream, case_stream(command.case_id),
            auditor_stream(meta.tenant, command.auditor_id),
        )
    )
    events = cycle.allocate_case(
        cycle_history, history, command,
        directory.registered_case(case_history),
        directory.registered_auditor(auditor_history),
    )
    await unit.record(stream, version, events)
    return Answer(201, events[0].model_dump(mode="json"))

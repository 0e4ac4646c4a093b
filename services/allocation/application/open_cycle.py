from __future__ import annotations

from services.allocation.domain import cycle
from services.allocation.domain.commands import OpenCycle
from services.allocation.domain.streams import cycle_stream
from shared.service.commands import Answer, UnitOfWork


async def handle(command: OpenCycle, *, unit: UnitOfWork) -> Answer:
    stream = cycle_stream(command.cycle_id)
    version, history = await unit.history(stream)
    await unit.record(stream, version, cycle.open_cycle(history, command))
    return Answer(201, {
        "cycle_id": str(command.cycle_id),
        "service_area": unit.metadata.service_area,
        "month": command.month,
        "return_deadline": command.return_deadline.isoformat(),
    })

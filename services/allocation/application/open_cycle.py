from __future__ import annotations

from datetime import date

from services.allocation.application.results import OpenedCycle
from services.allocation.domain.commands import OpenCycle
from services.allocation.domain.cycle import CYCLE
from services.allocation.domain.streams import cycle_id, cycle_stream
from shared.kernel.clock import last_day_of, london_date
from shared.kit.unit_of_work import UnitOfWork


async def handle(month: str, return_deadline: date | None, unit: UnitOfWork) -> OpenedCycle:
    meta = unit.metadata
    command = OpenCycle(cycle_id(meta.tenant, meta.service_area, month), month,
                        return_deadline or last_day_of(month), london_date(unit.now))
    await unit.execute(CYCLE, cycle_stream(command.cycle_id), command)
    return OpenedCycle(cycle_id=command.cycle_id, service_area=meta.service_area,
                       month=month, return_deadline=command.return_deadline)

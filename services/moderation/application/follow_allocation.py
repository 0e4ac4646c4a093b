"""What the allocation service's events do here: the staff directory keeps the service
area's moderator pool, an allocation tells who works the case. Either may let an audit
that was waiting for a moderator have one."""

from __future__ import annotations

from services.moderation.application.assigning import retry_waiting
from services.moderation.domain.cases import CASE
from services.moderation.domain.commands import RecordCase, RecordMember
from services.moderation.domain.events import CaseFactsRecorded, PoolMemberRecorded
from services.moderation.domain.pool import POOL
from services.moderation.domain.streams import case_stream, pool_stream
from shared.events.allocation import CaseAllocated, StaffMemberRecorded
from shared.kernel.contracts import carried
from shared.kit.unit_of_work import UnitOfWork


async def when_staff_member_recorded(event: StaffMemberRecorded, unit: UnitOfWork) -> None:
    recorded = await unit.execute(POOL, pool_stream(unit.metadata.service_area),
                                  RecordMember(carried(PoolMemberRecorded, event)))
    if recorded:
        await retry_waiting(unit)


async def when_case_allocated(event: CaseAllocated, unit: UnitOfWork) -> None:
    recorded = await unit.execute(CASE, case_stream(event.allocation_id),
                                  RecordCase(carried(CaseFactsRecorded, event)))
    if recorded:
        await retry_waiting(unit, allocation_id=event.allocation_id)

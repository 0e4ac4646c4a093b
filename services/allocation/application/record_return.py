"""When the audit service says an audit was submitted, its allocation records the return
(once per submission), so the close knows which allocations are nil returns and the
figures count completions and late returns."""

from __future__ import annotations

from services.allocation.domain.allocation import ALLOCATION
from services.allocation.domain.commands import RecordReturn
from services.allocation.domain.streams import allocation_stream
from shared.events.audit import AuditSubmitted
from shared.kit.unit_of_work import UnitOfWork


async def when_audit_submitted(event: AuditSubmitted, unit: UnitOfWork) -> None:
    await unit.execute(ALLOCATION, allocation_stream(event.cycle_id, event.case_id),
                       RecordReturn(event.allocation_id, event.audit_id, event.submission,
                                    event.late))

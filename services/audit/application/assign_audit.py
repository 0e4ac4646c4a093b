"""When a case is allocated, its audit becomes available to the auditor."""

from __future__ import annotations

from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import AssignAudit
from services.audit.domain.streams import audit_id, audit_stream
from shared.events.allocation import CaseAllocated
from shared.kit.unit_of_work import UnitOfWork


async def when_case_allocated(event: CaseAllocated, unit: UnitOfWork) -> None:
    command = AssignAudit(audit_id(event.allocation_id), event)
    await unit.execute(AUDIT, audit_stream(command.audit_id), command)

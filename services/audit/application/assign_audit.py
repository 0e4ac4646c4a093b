"""When a case is allocated, its audit becomes available to the auditor."""

from __future__ import annotations

from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import AssignAudit
from services.audit.domain.streams import audit_id, audit_stream
from shared.events.allocation import CaseAllocated
from shared.kit.unit_of_work import UnitOfWork


async def when_case_allocated(event: CaseAllocated, unit: UnitOfWork) -> None:
    command = AssignAudit(
        audit_id=audit_id(event.allocation_id), allocation_id=event.allocation_id,
        cycle_id=event.cycle_id, month=event.month, return_deadline=event.return_deadline,
        case_id=event.case_id, child_ref=event.child_ref, legal_status=event.legal_status,
        case_team=event.case_team, auditor_id=event.auditor_id,
    )
    await unit.execute(AUDIT, audit_stream(command.audit_id), command)

"""What allocation's later events do to audits: a reallocation moves the audit to the new
auditor; the cycle's close settles every audit of the cycle (see domain/results.py)."""

from __future__ import annotations

from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import CloseCycle, EndCycle, ReallocateAudit
from services.audit.domain.cycle import CYCLE
from services.audit.domain.streams import audit_id, audit_stream, cycle_stream
from shared.events.allocation import AuditCycleClosed, CaseReallocated
from shared.kit.unit_of_work import UnitOfWork


async def when_case_reallocated(event: CaseReallocated, unit: UnitOfWork) -> None:
    audit = audit_id(event.allocation_id)
    await unit.execute(AUDIT, audit_stream(audit), ReallocateAudit(audit, event))


async def when_cycle_closed(event: AuditCycleClosed, unit: UnitOfWork) -> None:
    stream = cycle_stream(event.cycle_id)
    cycle = await unit.state(CYCLE, stream)
    if cycle.closed:
        return
    # One round trip for every audit of the cycle, then one decision each.
    await unit.prefetch(*(audit_stream(audit) for audit in cycle.audits))
    for audit in cycle.audits:
        await unit.execute(AUDIT, audit_stream(audit), EndCycle(audit, event.cycle_id))
    await unit.execute(CYCLE, stream, CloseCycle(event.cycle_id, len(cycle.audits)))

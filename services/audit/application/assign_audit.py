"""When a case is allocated, its audit becomes available to the auditor, on the latest
version of the tool the allocation names, and joins its cycle's index."""

from __future__ import annotations

import logging

from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import AssignAudit, JoinCycle
from services.audit.domain.cycle import CYCLE
from services.audit.domain.streams import audit_id, audit_stream, cycle_stream
from services.audit.domain.tools import ToolCatalogue
from shared.events.allocation import CaseAllocated
from shared.kit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def when_case_allocated(event: CaseAllocated, unit: UnitOfWork, *,
                              tools: ToolCatalogue) -> None:
    audit = audit_id(event.allocation_id)
    tool = tools.latest(event.audit_tool)
    if tool is None:
        # Never dead-lettered, never swapped for another tool: the audit is assigned on the
        # tool named, and starting it says plainly that the tool must be loaded first.
        log.warning("audit %s is assigned on tool %r, which is not loaded here; it cannot "
                    "be started until the tool's file is loaded (AUDIT_TOOLS_DIR)",
                    audit, event.audit_tool)
    await unit.prefetch(audit_stream(audit), cycle_stream(event.cycle_id))
    await unit.execute(AUDIT, audit_stream(audit), AssignAudit(audit, event, tool))
    await unit.execute(CYCLE, cycle_stream(event.cycle_id), JoinCycle(event.cycle_id, audit))

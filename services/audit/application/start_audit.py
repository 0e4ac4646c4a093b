"""The auditor starts their audit (saving a draft or submitting starts it too)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from pydantic import BaseModel

from services.audit.application.tools import tool_of
from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import StartAudit
from services.audit.domain.streams import audit_stream
from services.audit.domain.tools import ToolCatalogue
from shared.kit.unit_of_work import UnitOfWork


class StartedAudit(BaseModel):
    audit_id: uuid.UUID
    audit_tool: str
    tool_version: int
    status: str


async def handle(command: StartAudit, tools: ToolCatalogue, unit: UnitOfWork) -> StartedAudit:
    stream = audit_stream(command.audit_id)
    state = await unit.state(AUDIT, stream)
    await unit.execute(AUDIT, stream, replace(command, tool=tool_of(state, tools)))
    after = await unit.state(AUDIT, stream)
    assert after.assigned is not None
    assert after.tool_version is not None
    return StartedAudit(audit_id=command.audit_id, audit_tool=after.assigned.audit_tool,
                        tool_version=after.tool_version, status=after.status)

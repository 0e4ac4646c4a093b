"""The auditor submits their audit (again, after moderation returned it)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from pydantic import BaseModel

from services.audit.application.tools import tool_of
from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import SubmitAudit
from services.audit.domain.streams import audit_stream
from services.audit.domain.tools import ToolCatalogue
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade
from shared.kit.unit_of_work import UnitOfWork


class SubmittedAudit(BaseModel):
    audit_id: uuid.UUID
    submission: int
    audit_tool: str
    tool_version: int
    overall_grade: Grade
    limited_by: list[str]
    late: bool
    action_ids: list[uuid.UUID]
    concern_id: uuid.UUID | None


async def handle(command: SubmitAudit, tools: ToolCatalogue,
                 unit: UnitOfWork) -> SubmittedAudit:
    stream = audit_stream(command.audit_id)
    state = await unit.state(AUDIT, stream)
    stamped = replace(command, tool=tool_of(state, tools), submitted_at=unit.now)
    events = await unit.execute(AUDIT, stream, stamped)
    submitted = next(e for e in events if isinstance(e, AuditSubmitted))
    concern = next((e for e in events if isinstance(e, ChildOfConcernRaised)), None)
    return SubmittedAudit(
        audit_id=submitted.audit_id, submission=submitted.submission,
        audit_tool=submitted.audit_tool, tool_version=submitted.tool_version,
        overall_grade=submitted.overall_grade, limited_by=submitted.limited_by,
        late=submitted.late,
        action_ids=[e.action_id for e in events if isinstance(e, ActionRaised)],
        concern_id=concern.concern_id if concern is not None else None,
    )

from __future__ import annotations

import uuid
from dataclasses import replace

from pydantic import BaseModel

from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import SubmitAudit
from services.audit.domain.streams import audit_stream
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade
from shared.kit.unit_of_work import UnitOfWork


class SubmittedAudit(BaseModel):
    audit_id: uuid.UUID
    overall_grade: Grade
    late: bool
    action_id: uuid.UUID
    concern_id: uuid.UUID | None


async def handle(command: SubmitAudit, unit: UnitOfWork) -> SubmittedAudit:
    stamped = replace(command, submitted_at=unit.now)
    events = await unit.execute(AUDIT, audit_stream(command.audit_id), stamped)
    submitted = next(e for e in events if isinstance(e, AuditSubmitted))
    action = next(e for e in events if isinstance(e, ActionRaised))
    concern = next((e for e in events if isinstance(e, ChildOfConcernRaised)), None)
    return SubmittedAudit(
        audit_id=submitted.audit_id, overall_grade=submitted.overall_grade,
        late=submitted.late, action_id=action.action_id,
        concern_id=concern.concern_id if concern is not None else None,
    )

from __future__ import annotations

from services.audit.domain import audit
from services.audit.domain.commands import SubmitAudit
from services.audit.domain.streams import audit_stream
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.service.commands import Answer, UnitOfWork


async def handle(command: SubmitAudit, *, unit: UnitOfWork) -> Answer:
    stream = audit_stream(command.audit_id)
    version, history = await unit.history(stream)
    events = audit.submit_audit(history, command, unit.now)
    await unit.record(stream, version, events)
    submitted = next(e for e in events if isinstance(e, AuditSubmitted))
    action = next(e for e in events if isinstance(e, ActionRaised))
    concern = next((e for e in events if isinstance(e, ChildOfConcernRaised)), None)
    return Answer(201, {
        "audit_id": str(submitted.audit_id),
        "overall_grade": submitted.overall_grade.value,
        "late": submitted.late,
        "action_id": str(action.action_id),
        "concern_id": str(concern.concern_id) if concern is not None else None,
    })

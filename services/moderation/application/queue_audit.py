from __future__ import annotations

from services.moderation.domain import moderation
from services.moderation.domain.commands import QueueAudit
from services.moderation.domain.streams import moderation_stream
from shared.service.commands import Answer, UnitOfWork


async def handle(command: QueueAudit, *, unit: UnitOfWork) -> Answer:
    stream = moderation_stream(command.audit_id)
    version, history = await unit.history(stream)
    events = moderation.queue_audit(history, command)
    await unit.record(stream, version, events)
    return Answer(201 if events else 200, {
        "audit_id": str(command.audit_id),
        "month": command.month,
        "auditor_id": command.auditor_id,
        "submitted_grade": command.submitted_grade.value,
    })

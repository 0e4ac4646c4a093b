from __future__ import annotations

from services.moderation.domain import moderation
from services.moderation.domain.commands import ModerateAudit
from services.moderation.domain.streams import moderation_stream
from shared.service.commands import Answer, UnitOfWork


async def handle(command: ModerateAudit, *, unit: UnitOfWork) -> Answer:
    stream = moderation_stream(command.audit_id)
    version, history = await unit.history(stream)
    events = moderation.moderate(history, command)
    await unit.record(stream, version, events)
    moderated = events[0].model_dump(mode="json")
    return Answer(201, {
        key: moderated[key]
        for key in ("audit_id", "outcome", "original_grade", "moderated_grade")
    })

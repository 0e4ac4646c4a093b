from __future__ import annotations

from services.allocation.domain import directory
from services.allocation.domain.commands import RegisterAuditor
from services.allocation.domain.streams import auditor_stream
from shared.service.commands import Answer, UnitOfWork


async def handle(command: RegisterAuditor, *, unit: UnitOfWork) -> Answer:
    stream = auditor_stream(unit.metadata.tenant, command.auditor_id)
    version, history = await unit.history(stream)
    await unit.record(stream, version, directory.register_auditor(history, command))
    return Answer(201, {"auditor_id": command.auditor_id, "team": command.team})

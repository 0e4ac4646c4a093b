from __future__ import annotations

from services.allocation.domain import directory
from services.allocation.domain.commands import RegisterCase
from services.allocation.domain.streams import case_stream
from shared.service.commands import Answer, UnitOfWork


async def handle(command: RegisterCase, *, unit: UnitOfWork) -> Answer:
    stream = case_stream(command.case_id)
    version, history = await unit.history(stream)
    await unit.record(stream, version, directory.register_case(history, command))
    return Answer(201, {
        "case_id": str(command.case_id),
        "child_ref": command.child_ref,
        "legal_status": command.legal_status.value,
        "team": command.team,
    })

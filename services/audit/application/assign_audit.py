from __future__ import annotations

from services.audit.domain import audit
from services.audit.domain.commands import AssignAudit
from services.audit.domain.streams import audit_stream
from shared.service.commands import UnitOfWork


async def handle(command: AssignAudit, *, unit: UnitOfWork) -> None:
    stream = audit_stream(command.audit_id)
    version, history = await unit.history(stream)
    events = audit.assign_audit(history, command)
    if events:
        await unit.record(stream, version, events)

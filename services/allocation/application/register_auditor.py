from __future__ import annotations

from services.allocation.application.results import RegisteredAuditor
from services.allocation.domain.commands import RegisterAuditor
from services.allocation.domain.directory import AUDITOR
from services.allocation.domain.streams import auditor_stream
from shared.kit.unit_of_work import UnitOfWork


async def handle(command: RegisterAuditor, unit: UnitOfWork) -> RegisteredAuditor:
    await unit.execute(AUDITOR, auditor_stream(unit.metadata.tenant, command.auditor_id),
                       command)
    return RegisteredAuditor(auditor_id=command.auditor_id, team=command.team)

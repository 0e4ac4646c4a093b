from __future__ import annotations

from services.allocation.application.results import RegisteredCase
from services.allocation.domain.commands import RegisterCase
from services.allocation.domain.directory import CASE
from services.allocation.domain.streams import case_stream
from shared.kit.unit_of_work import UnitOfWork


async def handle(command: RegisterCase, unit: UnitOfWork) -> RegisteredCase:
    await unit.execute(CASE, case_stream(command.case_id), command)
    return RegisteredCase(case_id=command.case_id, child_ref=command.child_ref,
                          legal_status=command.legal_status, team=command.team)

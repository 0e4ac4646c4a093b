"""Opening a month's cycle: with selection rules it draws the month's cases at once, from
the register as it stands, so the opening, its rules, its seed and its draw are one
record (and one transaction)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from services.allocation.application.queries import Directory
from services.allocation.application.results import OpenedCycle
from services.allocation.domain.commands import OpenCycle
from services.allocation.domain.cycle import CYCLE
from services.allocation.domain.events import CasesDrawn, OwnTeamAudits
from services.allocation.domain.streams import cycle_id, cycle_stream
from shared.events.allocation import AuditCycleOpened
from shared.events.vocabulary import SelectionRules
from shared.kernel.clock import last_day_of, london_date
from shared.kit.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Opening:
    month: str
    return_deadline: date | None = None
    rules: SelectionRules | None = None
    seed: int | None = None
    own_team_audits: OwnTeamAudits = "forbidden"
    audits_per_auditor: int = 1
    moderating: tuple[str, ...] = ()


def a_seed() -> int:
    """Chosen here when none is given, and recorded, so the draw can be shown again."""
    return secrets.randbelow(2**31)


async def handle(opening: Opening, directory: Directory, unit: UnitOfWork) -> OpenedCycle:
    area = unit.metadata.service_area
    seed = opening.seed if opening.seed is not None or opening.rules is None else a_seed()
    command = OpenCycle(
        cycle_id(unit.metadata.tenant, area, opening.month), opening.month,
        opening.return_deadline or last_day_of(opening.month), london_date(unit.now),
        rules=opening.rules, seed=seed, own_team_audits=opening.own_team_audits,
        audits_per_auditor=opening.audits_per_auditor, moderating=opening.moderating,
        register=tuple(await directory.register(area)) if opening.rules else (),
        pool=tuple(await directory.pool(area, opening.month)))
    events = await unit.execute(CYCLE, cycle_stream(command.cycle_id), command)
    opened = next(e for e in events if isinstance(e, AuditCycleOpened))
    drawn = next((e for e in events if isinstance(e, CasesDrawn)), None)
    return OpenedCycle(
        cycle_id=command.cycle_id, service_area=area, month=opening.month,
        return_deadline=command.return_deadline, seed=seed,
        auditors_in_pool=opened.auditors_in_pool or 0, own_team_audits=opening.own_team_audits,
        drawn=drawn.selected if drawn else [], shortfalls=drawn.shortfalls if drawn else [])

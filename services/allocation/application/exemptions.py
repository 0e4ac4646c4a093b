"""Asking for an exemption, and a director deciding an operational one."""

from __future__ import annotations

import uuid

from services.allocation.application.queries import Directory
from services.allocation.application.results import ExemptionAnswer
from services.allocation.domain.commands import DecideExemption, RequestExemption
from services.allocation.domain.exemptions import EXEMPTION, Exemption
from services.allocation.domain.streams import (
    cycle_id,
    exemption_id,
    exemption_stream,
)
from shared.events.vocabulary import ExemptionKind
from shared.kernel.actor import Person
from shared.kernel.errors import Forbidden
from shared.kit.unit_of_work import UnitOfWork


def answer(state: Exemption) -> ExemptionAnswer:
    requested = state.requested
    assert requested is not None
    status = ("counted" if state.exempted else "refused" if state.refused
              else "awaiting a director")
    return ExemptionAnswer(
        exemption_id=requested.exemption_id, person_id=requested.person_id,
        month=requested.month, kind=requested.kind, non_operational=requested.non_operational,
        status=status, authorised_by=state.exempted.authorised_by if state.exempted else None)


async def request(person_id: str, month: str, kind: ExemptionKind, note: str | None,
                  directory: Directory, unit: UnitOfWork) -> ExemptionAnswer:
    meta = unit.metadata
    pool = await directory.pool(meta.service_area, month)
    exemption = exemption_id(meta.tenant, person_id, month)
    command = RequestExemption(
        exemption, cycle_id(meta.tenant, meta.service_area, month), month, person_id, kind,
        in_pool=any(p.person_id == person_id for p in pool), note=note)
    stream = exemption_stream(exemption)
    await unit.execute(EXEMPTION, stream, command)
    return answer(await unit.state(EXEMPTION, stream))


async def decide(exemption: uuid.UUID, authorise: bool, unit: UnitOfWork) -> ExemptionAnswer:
    actor = unit.metadata.actor
    if not isinstance(actor, Person):
        raise Forbidden("only a person (a director) decides an exemption")
    stream = exemption_stream(exemption)
    await unit.execute(EXEMPTION, stream, DecideExemption(authorise, actor.person_id,
                                                          actor.role))
    return answer(await unit.state(EXEMPTION, stream))

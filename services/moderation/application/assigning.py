"""Finding a sampled audit its moderator: the pool decides (it knows every workload), the
audit's stream records the result. Used on submission, resubmission, a late Category 1
sample, a pool or case change, and a reassignment by hand."""

from __future__ import annotations

import uuid
from datetime import date

from services.moderation.domain.assignment import Parties
from services.moderation.domain.cases import CASE
from services.moderation.domain.commands import RecordAssignment, TakeModeration
from services.moderation.domain.events import AuditAwaitingModerator, WorkloadTaken
from services.moderation.domain.moderation import MODERATION
from services.moderation.domain.pool import POOL
from services.moderation.domain.state import Moderation
from services.moderation.domain.streams import case_stream, moderation_stream, pool_stream
from shared.kernel.clock import london_date
from shared.kit.unit_of_work import UnitOfWork


def today(unit: UnitOfWork) -> date:
    """The day it happened: the reacted-to event's, or the command's."""
    cause = unit.cause
    return london_date(cause.occurred_at if cause is not None else unit.now)


async def parties(unit: UnitOfWork, state: Moderation) -> Parties:
    received = state.received
    if received is None:  # queued before sampling: nothing known of its case
        submitted = state.submitted
        assert submitted is not None
        return Parties(submitted.auditor_id, case_team="", case_known=False)
    case = await unit.state(CASE, case_stream(received.allocation_id))
    return Parties(received.auditor_id, received.case_team,
                   social_worker_id=case.social_worker_id if case else None,
                   case_manager_id=case.case_manager_id if case else None,
                   case_known=case is not None)


async def find_moderator(unit: UnitOfWork, audit_id: uuid.UUID, *, to: str | None = None,
                         exclude: frozenset[str] = frozenset(),
                         reassigned_because: str | None = None) -> str | None:
    """Assign the audit if the pool can, otherwise record why not; returns the moderator
    now assigned, or None. `to`, `exclude` and `reassigned_because` are for the QA team's
    reassignment (see TakeModeration)."""
    stream = moderation_stream(audit_id)
    state = await unit.state(MODERATION, stream)
    pool = pool_stream(unit.metadata.service_area)
    taken = await unit.execute(POOL, pool, TakeModeration(
        audit_id, await parties(unit, state), today(unit), to=to, prefer=state.returned_by,
        exclude=exclude))
    for event in taken:
        if isinstance(event, WorkloadTaken):
            member = (await unit.state(POOL, pool)).members.get(event.moderator_id)
            await unit.execute(MODERATION, stream, RecordAssignment(
                audit_id, event.moderator_id, external=bool(member and member.external),
                reassigned_because=reassigned_because))
            return event.moderator_id
        if isinstance(event, AuditAwaitingModerator):
            await unit.execute(MODERATION, stream, RecordAssignment(
                audit_id, None, reasons=tuple(event.reasons)))
    return (await unit.state(POOL, pool)).open.get(audit_id)


async def retry_waiting(unit: UnitOfWork, *, allocation_id: uuid.UUID | None = None) -> None:
    """Give every audit waiting in this service area's pool (or only those of one
    allocation) another chance: the pool or the case changed."""
    waiting = list((await unit.state(POOL, pool_stream(unit.metadata.service_area))).waiting)
    await unit.prefetch(*(moderation_stream(audit) for audit in waiting))
    for audit in waiting:
        state = await unit.state(MODERATION, moderation_stream(audit))
        if allocation_id is not None and (state.received is None
                                          or state.received.allocation_id != allocation_id):
            continue
        if state.status == "awaiting" and state.moderator is None:
            await find_moderator(unit, audit)

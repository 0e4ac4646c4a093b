"""A person's decision on a Child of Concern: a response, or the sign-off that closes it."""

from __future__ import annotations

from services.tracker.application.results import ConcernUpdate, names
from services.tracker.domain.commands import CloseConcern, RecordResponse
from services.tracker.domain.concerns import CONCERN
from services.tracker.domain.streams import concern_stream
from shared.kit.unit_of_work import UnitOfWork


async def respond(command: RecordResponse, unit: UnitOfWork) -> ConcernUpdate:
    events = await unit.execute(CONCERN, concern_stream(command.concern_id), command)
    return ConcernUpdate(concern_id=command.concern_id, recorded=names(events))


async def close(command: CloseConcern, unit: UnitOfWork) -> ConcernUpdate:
    events = await unit.execute(CONCERN, concern_stream(command.concern_id), command)
    return ConcernUpdate(concern_id=command.concern_id, recorded=names(events))

from __future__ import annotations

from services.tracker.domain import concerns
from services.tracker.domain.commands import TrackChildOfConcern
from services.tracker.domain.streams import concern_stream
from shared.service.commands import UnitOfWork


async def handle(command: TrackChildOfConcern, *, unit: UnitOfWork) -> None:
    stream = concern_stream(command.concern_id)
    version, history = await unit.history(stream)
    events = concerns.start_tracking(history, command)
    if events:
        await unit.record(stream, version, events)

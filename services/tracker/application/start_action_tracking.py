from __future__ import annotations

from services.tracker.domain import actions
from services.tracker.domain.commands import TrackAction
from services.tracker.domain.streams import action_stream
from shared.service.commands import UnitOfWork


async def handle(command: TrackAction, *, unit: UnitOfWork) -> None:
    stream = action_stream(command.action_id)
    version, history = await unit.history(stream)
    events = actions.start_tracking(history, command)
    if events:
        await unit.record(stream, version, events)

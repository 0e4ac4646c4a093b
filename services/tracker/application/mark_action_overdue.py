from __future__ import annotations

from services.tracker.domain import actions
from services.tracker.domain.commands import MarkActionOverdue
from services.tracker.domain.streams import action_stream
from shared.service.commands import Answer, UnitOfWork


async def handle(command: MarkActionOverdue, *, unit: UnitOfWork) -> Answer:
    # The stream, not the read model, decides: two scans racing for the same action both
    # read it, one append wins, and the loser's retry finds ActionOverdue in the history.
    stream = action_stream(command.action_id)
    version, history = await unit.history(stream)
    events = actions.mark_overdue(history, command.today)
    if events:
        await unit.record(stream, version, events)
    return Answer(201 if events else 200, {
        "action_id": str(command.action_id),
        "marked_overdue": bool(events),
    })

from __future__ import annotations

import uuid

from pydantic import BaseModel

from services.tracker.domain.actions import ACTION
from services.tracker.domain.commands import MarkActionOverdue
from services.tracker.domain.streams import action_stream
from shared.kit.unit_of_work import UnitOfWork


class OverdueMarking(BaseModel):
    action_id: uuid.UUID
    marked_overdue: bool


async def handle(command: MarkActionOverdue, unit: UnitOfWork) -> OverdueMarking:
    # The stream, not the read model, decides: two scans racing for the same action both
    # read it, one append wins, and the loser's retry finds ActionOverdue in the history.
    events = await unit.execute(ACTION, action_stream(command.action_id), command)
    return OverdueMarking(action_id=command.action_id, marked_overdue=bool(events))

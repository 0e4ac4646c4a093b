"""What the tracker's commands answer: the thing acted on and the events recorded."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pydantic import BaseModel

from shared.kernel.contracts import EventContract


class ActionUpdate(BaseModel):
    action_id: uuid.UUID
    recorded: list[str]  # the event types recorded, in order (empty: nothing was due)


class ConcernUpdate(BaseModel):
    concern_id: uuid.UUID
    recorded: list[str]


def names(events: Sequence[EventContract]) -> list[str]:
    return [event.type_name for event in events]

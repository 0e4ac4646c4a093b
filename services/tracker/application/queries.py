"""What the tracker answers about its read models (a port)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

ActionStatus = Literal["open", "overdue"]


@dataclass(frozen=True)
class OverdueCandidate:
    action_id: uuid.UUID
    service_area: str


class TrackerQueries(Protocol):
    async def overdue_candidates(self, today: date) -> list[OverdueCandidate]:
        """Open actions due before `today` by the read model; each action's own stream
        decides whether it is really overdue."""
        ...

    async def actions(self, service_area: str, status: ActionStatus | None
                      ) -> list[dict[str, Any]]: ...

    async def children_of_concern(self, service_area: str, today: date
                                  ) -> list[dict[str, Any]]: ...

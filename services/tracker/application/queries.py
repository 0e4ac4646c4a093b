"""What the tracker's use cases and routes ask of its read models (ports)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from services.tracker.domain.figures import Dated

# open: within timescale; overdue: flagged past its current due date; completed: awaiting
# verification; verified: closed.
ActionStatus = Literal["open", "overdue", "completed", "verified"]


@dataclass(frozen=True)
class ActionCandidate:
    """An open action past its due date, as the read model has it: the scan asks the
    action's own stream whether anything is really due."""

    action_id: uuid.UUID
    service_area: str
    due_date: date
    overdue_flagged: bool  # ActionOverdue recorded for the current due date
    escalation_level: int  # levels escalated since the due date last moved


@dataclass(frozen=True)
class ConcernCandidate:
    concern_id: uuid.UUID
    service_area: str


@dataclass(frozen=True)
class ActionFilter:
    service_area: str | None = None
    owner_id: str | None = None
    team: str | None = None
    status: ActionStatus | None = None


class TrackerQueries(Protocol):
    async def action_candidates(self, today: date) -> list[ActionCandidate]:
        """Open actions due before `today`, overdue or not yet escalated to every level."""
        ...

    async def concern_candidates(self, today: date) -> list[ConcernCandidate]:
        """Category 1 concerns whose response was due before `today`, none recorded."""
        ...

    async def action(self, action_id: uuid.UUID) -> dict[str, Any] | None: ...

    async def actions(self, which: ActionFilter) -> list[dict[str, Any]]: ...

    async def concern(self, concern_id: uuid.UUID) -> dict[str, Any] | None: ...

    async def children_of_concern(self, service_area: str, today: date,
                                  include_closed: bool = False) -> list[dict[str, Any]]: ...

    async def child_timeline(self, child_ref: str) -> list[dict[str, Any]]:
        """Everything tracked about one child, oldest first."""
        ...

    async def history(self, service_area: str, until: date
                      ) -> tuple[list[Dated], list[Dated]]:
        """Every action event and every concern event of an area recorded by the end of
        `until` (London), decoded: what the figures as at any date are folded from."""
        ...


class StaffDirectory(Protocol):
    """The latest StaffMemberRecorded of each person (allocation's staff directory)."""

    async def manager_of(self, person_id: str) -> str | None: ...

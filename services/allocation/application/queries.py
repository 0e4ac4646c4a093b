"""What the allocation service reads from its read models (ports; the PostgreSQL
adapters are in `adapters/`). `Directory` is what the use cases decide with; the
rest answers people."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from services.allocation.domain.events import CaseRecorded
from shared.events.allocation import StaffMemberRecorded


@dataclass(frozen=True)
class Placed:
    """An allocation as the read model holds it."""

    allocation_id: uuid.UUID
    service_area: str
    month: str
    cycle_id: uuid.UUID
    case_id: uuid.UUID
    auditor_id: str
    selection: str


@dataclass(frozen=True)
class ExemptionCounts:
    non_operational: int
    operational: int


class Directory(Protocol):
    async def register(self, service_area: str) -> list[CaseRecorded]:
        """The case register of a service area as it stands."""
        ...

    async def pool(self, service_area: str, month: str) -> list[StaffMemberRecorded]:
        """Trained auditors of a service area as the directory stood at the month's end,
        less those who had left by its first day."""
        ...

    async def allocations(self, cycle_id: uuid.UUID) -> list[Placed]: ...

    async def allocation(self, allocation_id: uuid.UUID) -> Placed | None: ...

    async def exemption_counts(self, cycle_id: uuid.UUID) -> ExemptionCounts:
        """Exemptions that count (non-operational, or authorised by a director)."""
        ...

    async def due_for_closing(self, today: date) -> list[tuple[str, str]]:
        """(service area, month) of every open cycle whose return deadline has passed."""
        ...


class AllocationQueries(Protocol):
    async def cycle(self, service_area: str, month: str) -> dict[str, Any] | None:
        """The cycle with its draw, allocations and what could not be placed; None if no
        such cycle was opened."""
        ...

    async def figures(self, service_area: str, month: str) -> dict[str, Any] | None: ...

    async def cases(self, service_area: str) -> list[dict[str, Any]]: ...

    async def auditors(self, service_area: str) -> list[dict[str, Any]]:
        """The staff directory of a service area as it stands."""
        ...

    async def pool(self, service_area: str, month: str) -> list[dict[str, Any]]: ...

    async def exemptions(self, service_area: str, month: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class AuthorityPolicy:
    """This authority's settings for allocation (the service's environment): whether an
    auditor may audit their own team's cases (Bradford: never; Gloucestershire's
    managers mostly audit in their own areas)."""

    own_team_audits: Literal["forbidden", "allowed"] = "forbidden"

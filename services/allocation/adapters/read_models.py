"""The allocation service's own read models, kept in step inside each command's
transaction, and the queries over them."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.allocation.domain.events import AuditorRegistered, CaseRegistered
from shared.events.allocation import AuditCycleOpened, CaseAllocated
from shared.kernel.actor import describe
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert, plain

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "allocation-read-models", tables=("allocations", "cycles", "cases", "auditors"))


@PROJECTION.on(AuditCycleOpened)
async def cycle_opened(conn: asyncpg.Connection, event: AuditCycleOpened,
                       envelope: Envelope) -> None:
    await insert(conn, "cycles", cycle_id=event.cycle_id, service_area=envelope.service_area,
                 month=event.month, return_deadline=event.return_deadline,
                 opened_at=envelope.occurred_at)


@PROJECTION.on(CaseRegistered)
async def case_registered(conn: asyncpg.Connection, event: CaseRegistered,
                          envelope: Envelope) -> None:
    await insert(conn, "cases", case_id=event.case_id, service_area=envelope.service_area,
                 child_ref=event.child_ref, legal_status=event.legal_status.value,
                 team=event.team)


@PROJECTION.on(AuditorRegistered)
async def auditor_registered(conn: asyncpg.Connection, event: AuditorRegistered,
                             envelope: Envelope) -> None:
    await insert(conn, "auditors", auditor_id=event.auditor_id,
                 service_area=envelope.service_area, team=event.team)


@PROJECTION.on(CaseAllocated)
async def case_allocated(conn: asyncpg.Connection, event: CaseAllocated,
                         envelope: Envelope) -> None:
    await insert(conn, "allocations", allocation_id=event.allocation_id,
                 cycle_id=event.cycle_id, case_id=event.case_id, auditor_id=event.auditor_id,
                 allocated_at=envelope.occurred_at, allocated_by=describe(envelope.actor))


class PostgresAllocationQueries:
    """The AllocationQueries port over the read-model tables."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def cycle(self, service_area: str, month: str) -> dict[str, Any] | None:
        cycle = await self._pool.fetchrow(
            "SELECT * FROM cycles WHERE service_area = $1 AND month = $2", service_area, month
        )
        if cycle is None:
            return None
        allocations = await self._pool.fetch(
            """SELECT a.allocation_id, a.case_id, c.child_ref, c.legal_status,
                      c.team AS case_team, a.auditor_id, a.allocated_at
                 FROM allocations a JOIN cases c USING (case_id)
                WHERE a.cycle_id = $1 ORDER BY a.allocated_at""",
            cycle["cycle_id"],
        )
        return plain({
            "cycle_id": cycle["cycle_id"],
            "service_area": service_area,
            "month": month,
            "return_deadline": cycle["return_deadline"],
        }, allocations=[plain(row) for row in allocations])

    async def cases(self, service_area: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT * FROM cases WHERE service_area = $1 ORDER BY team, child_ref", service_area
        )
        return [plain(row) for row in rows]

    async def auditors(self, service_area: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT * FROM auditors WHERE service_area = $1 ORDER BY auditor_id", service_area
        )
        return [plain(row) for row in rows]

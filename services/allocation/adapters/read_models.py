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
from shared.postgres.rows import plain

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "allocation-read-models", tables=("allocations", "cycles", "cases", "auditors"))


@PROJECTION.on(AuditCycleOpened)
async def cycle_opened(conn: asyncpg.Connection, event: AuditCycleOpened,
                       envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO cycles VALUES ($1, $2, $3, $4, $5)",
        event.cycle_id, envelope.service_area, event.month, event.return_deadline,
        envelope.occurred_at,
    )


@PROJECTION.on(CaseRegistered)
async def case_registered(conn: asyncpg.Connection, event: CaseRegistered,
                          envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO cases VALUES ($1, $2, $3, $4, $5)",
        event.case_id, envelope.service_area, event.child_ref, event.legal_status.value,
        event.team,
    )


@PROJECTION.on(AuditorRegistered)
async def auditor_registered(conn: asyncpg.Connection, event: AuditorRegistered,
                             envelope: Envelope) -> None:
    await conn.execute("INSERT INTO auditors VALUES ($1, $2, $3)",
                       event.auditor_id, envelope.service_area, event.team)


@PROJECTION.on(CaseAllocated)
async def case_allocated(conn: asyncpg.Connection, event: CaseAllocated,
                         envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO allocations VALUES ($1, $2, $3, $4, $5, $6)",
        event.allocation_id, event.cycle_id, event.case_id, event.auditor_id,
        envelope.occurred_at, describe(envelope.actor),
    )


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

"""The allocation service's own read models, kept in step inside each command's
transaction."""

from __future__ import annotations

from typing import Any

import asyncpg

from shared.actor import describe
from shared.contracts import EventContract
from shared.envelope import Envelope
from shared.events.allocation import (
    AuditCycleOpened,
    AuditorRegistered,
    CaseAllocated,
    CaseRegistered,
)
from shared.postgres.rows import plain


async def project(conn: asyncpg.Connection, envelope: Envelope, event: EventContract) -> None:
    area = envelope.service_area
    if isinstance(event, AuditCycleOpened):
        await conn.execute(
            "INSERT INTO cycles VALUES ($1, $2, $3, $4, $5)",
            event.cycle_id, area, event.month, event.return_deadline, envelope.occurred_at,
        )
    elif isinstance(event, CaseRegistered):
        await conn.execute(
            "INSERT INTO cases VALUES ($1, $2, $3, $4, $5)",
            event.case_id, area, event.child_ref, event.legal_status.value, event.team,
        )
    elif isinstance(event, AuditorRegistered):
        await conn.execute(
            "INSERT INTO auditors VALUES ($1, $2, $3)", event.auditor_id, area, event.team
        )
    elif isinstance(event, CaseAllocated):
        await conn.execute(
            "INSERT INTO allocations VALUES ($1, $2, $3, $4, $5, $6)",
            event.allocation_id, event.cycle_id, event.case_id, event.auditor_id,
            envelope.occurred_at, describe(envelope.actor),
        )


async def cycle_view(pool: asyncpg.Pool, service_area: str, month: str) -> dict[str, Any] | None:
    cycle = await pool.fetchrow(
        "SELECT * FROM cycles WHERE service_area = $1 AND month = $2", service_area, month
    )
    if cycle is None:
        return None
    allocations = await pool.fetch(
        """SELECT a.allocation_id, a.case_id, c.child_ref, c.legal_status, c.team AS case_team,
                  a.auditor_id, a.allocated_at
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


async def list_cases(pool: asyncpg.Pool, service_area: str) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT * FROM cases WHERE service_area = $1 ORDER BY team, child_ref", service_area
    )
    return [plain(row) for row in rows]


async def list_auditors(pool: asyncpg.Pool, service_area: str) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        "SELECT * FROM auditors WHERE service_area = $1 ORDER BY auditor_id", service_area
    )
    return [dict(row) for row in rows]

"""The audit service's own read models, kept in step inside each command's
transaction."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from shared.contracts import EventContract
from shared.envelope import Envelope
from shared.events.audit import AuditAssigned, AuditSubmitted
from shared.postgres.rows import plain


async def project(conn: asyncpg.Connection, envelope: Envelope, event: EventContract) -> None:
    if isinstance(event, AuditAssigned):
        await conn.execute(
            """INSERT INTO audits (audit_id, allocation_id, cycle_id, service_area, month,
                                   return_deadline, case_id, child_ref, legal_status, case_team,
                                   auditor_id, assigned_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""",
            event.audit_id, event.allocation_id, event.cycle_id, envelope.service_area,
            event.month, event.return_deadline, event.case_id, event.child_ref,
            event.legal_status.value, event.case_team, event.auditor_id, envelope.occurred_at,
        )
    elif isinstance(event, AuditSubmitted):
        await conn.execute(
            """UPDATE audits SET status = 'submitted', overall_grade = $2, submitted_at = $3,
                                 late = $4
                WHERE audit_id = $1""",
            event.audit_id, event.overall_grade.value, envelope.occurred_at, event.late,
        )


async def audits_of(
    pool: asyncpg.Pool, auditor_id: str, service_area: str | None
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        """SELECT * FROM audits
            WHERE auditor_id = $1 AND ($2::text IS NULL OR service_area = $2)
            ORDER BY assigned_at DESC, audit_id""",
        auditor_id, service_area,
    )
    return [plain(row) for row in rows]


async def audit_view(pool: asyncpg.Pool, audit_id: uuid.UUID) -> dict[str, Any] | None:
    row = await pool.fetchrow("SELECT * FROM audits WHERE audit_id = $1", audit_id)
    return plain(row) if row is not None else None


async def service_area_of(pool: asyncpg.Pool, audit_id: uuid.UUID) -> str | None:
    area: str | None = await pool.fetchval(
        "SELECT service_area FROM audits WHERE audit_id = $1", audit_id
    )
    return area

"""The audit service's own read models, kept in step inside each command's (or consumed
event's) transaction, and the queries over them."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.audit.domain.events import AuditAssigned
from shared.events.audit import AuditSubmitted
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert, plain

PROJECTION: Projection[asyncpg.Connection] = Projection("audit-read-models", tables=("audits",))


@PROJECTION.on(AuditAssigned)
async def audit_assigned(conn: asyncpg.Connection, event: AuditAssigned,
                         envelope: Envelope) -> None:
    await insert(conn, "audits", **event.model_dump(), service_area=envelope.service_area,
                 assigned_at=envelope.occurred_at)


@PROJECTION.on(AuditSubmitted)
async def audit_submitted(conn: asyncpg.Connection, event: AuditSubmitted,
                          envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE audits SET status = 'submitted', overall_grade = $2, submitted_at = $3,
                             late = $4
            WHERE audit_id = $1""",
        event.audit_id, event.overall_grade.value, envelope.occurred_at, event.late,
    )


class PostgresAuditQueries:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def audits_of(self, auditor_id: str, service_area: str | None
                        ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM audits
                WHERE auditor_id = $1 AND ($2::text IS NULL OR service_area = $2)
                ORDER BY assigned_at DESC, audit_id""",
            auditor_id, service_area,
        )
        return [plain(row) for row in rows]

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow("SELECT * FROM audits WHERE audit_id = $1", audit_id)
        return plain(row) if row is not None else None

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        area: str | None = await self._pool.fetchval(
            "SELECT service_area FROM audits WHERE audit_id = $1", audit_id
        )
        return area

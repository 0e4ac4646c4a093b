"""The moderation service's own read model, kept in step inside each command's (or
consumed event's) transaction."""

from __future__ import annotations

import uuid
from typing import Any, Literal

import asyncpg

from shared.contracts import EventContract
from shared.envelope import Envelope
from shared.events.moderation import AuditModerated, AuditQueuedForModeration
from shared.postgres.rows import plain

Status = Literal["awaiting", "moderated"]


async def project(conn: asyncpg.Connection, envelope: Envelope, event: EventContract) -> None:
    if isinstance(event, AuditQueuedForModeration):
        await conn.execute(
            """INSERT INTO moderation_queue
                   (audit_id, service_area, month, auditor_id, submitted_grade, queued_at)
               VALUES ($1, $2, $3, $4, $5, $6)""",
            event.audit_id, envelope.service_area, event.month, event.auditor_id,
            event.submitted_grade.value, envelope.occurred_at,
        )
    elif isinstance(event, AuditModerated):
        await conn.execute(
            """UPDATE moderation_queue
                  SET status = 'moderated', moderator_id = $2, outcome = $3,
                      moderated_grade = $4, moderated_at = $5
                WHERE audit_id = $1""",
            event.audit_id, event.moderator_id, event.outcome, event.moderated_grade.value,
            envelope.occurred_at,
        )


async def service_area_of(pool: asyncpg.Pool, audit_id: uuid.UUID) -> str | None:
    area: str | None = await pool.fetchval(
        "SELECT service_area FROM moderation_queue WHERE audit_id = $1", audit_id
    )
    return area


async def list_queue(
    pool: asyncpg.Pool, service_area: str, status: Status | None
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        """SELECT * FROM moderation_queue
            WHERE service_area = $1 AND ($2::text IS NULL OR status = $2)
            ORDER BY queued_at, audit_id""",
        service_area, status,
    )
    return [plain(row) for row in rows]

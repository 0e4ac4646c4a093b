"""The moderation service's own read model, kept in step inside each command's (or
consumed event's) transaction, and the queries over it."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.moderation.application.queries import Status
from services.moderation.domain.events import AuditQueuedForModeration
from shared.events.moderation import AuditModerated
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert, plain

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "moderation-queue", tables=("moderation_queue",))


@PROJECTION.on(AuditQueuedForModeration)
async def queued(conn: asyncpg.Connection, event: AuditQueuedForModeration,
                 envelope: Envelope) -> None:
    await insert(conn, "moderation_queue", **event.model_dump(),
                 service_area=envelope.service_area, queued_at=envelope.occurred_at)


@PROJECTION.on(AuditModerated)
async def moderated(conn: asyncpg.Connection, event: AuditModerated,
                    envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE moderation_queue
              SET status = 'moderated', moderator_id = $2, outcome = $3,
                  moderated_grade = $4, moderated_at = $5
            WHERE audit_id = $1""",
        event.audit_id, event.moderator_id, event.outcome, event.moderated_grade.value,
        envelope.occurred_at,
    )


class PostgresModerationQueries:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        area: str | None = await self._pool.fetchval(
            "SELECT service_area FROM moderation_queue WHERE audit_id = $1", audit_id
        )
        return area

    async def queue(self, service_area: str, status: Status | None) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM moderation_queue
                WHERE service_area = $1 AND ($2::text IS NULL OR status = $2)
                ORDER BY queued_at, audit_id""",
            service_area, status,
        )
        return [plain(row) for row in rows]

"""The moderation service's queries over its read models (PostgreSQL)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.moderation.application.queries import Status
from services.moderation.domain.calibration import Decision, Pair
from shared.events.common import Grade
from shared.postgres.rows import plain


class PostgresModerationQueries:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        area: str | None = await self._pool.fetchval(
            "SELECT service_area FROM moderation_queue WHERE audit_id = $1", audit_id)
        return area

    async def concern_area(self, concern_id: uuid.UUID) -> str | None:
        area: str | None = await self._pool.fetchval(
            "SELECT service_area FROM concerns WHERE concern_id = $1", concern_id)
        return area

    async def queue(self, service_area: str, status: Status | None,
                    moderator: str | None) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM moderation_queue
                WHERE service_area = $1 AND ($2::text IS NULL OR status = $2)
                  AND ($3::text IS NULL OR assigned_to = $3)
                ORDER BY queued_at, audit_id""",
            service_area, status, moderator)
        return [plain(row) for row in rows]

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None:
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow("SELECT * FROM moderation_queue WHERE audit_id = $1",
                                      audit_id)
            if row is None:
                return None
            grades = await conn.fetch(
                """SELECT element, auditor_grade, moderated_grade, rationale
                     FROM moderation_grades WHERE audit_id = $1 ORDER BY position""", audit_id)
        return plain(row, grades=[dict(line) for line in grades])

    async def policy(self, service_area: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            "SELECT * FROM sampling_policies WHERE service_area = $1", service_area)
        return None if row is None else plain(row)

    async def pool(self, service_area: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT p.*, (SELECT count(*) FROM moderation_queue q
                             WHERE q.assigned_to = p.person_id AND q.status = 'awaiting'
                               AND q.service_area = p.service_area) AS open_moderations
                 FROM moderation_pool p WHERE p.service_area = $1
                ORDER BY p.person_id""", service_area)
        return [plain(row) for row in rows]

    async def decisions(self, service_area: str, month: str | None) -> list[Decision]:
        async with self._pool.acquire() as conn:
            decided = await conn.fetch(
                """SELECT * FROM moderation_decisions
                    WHERE service_area = $1 AND ($2::text IS NULL OR month = $2)""",
                service_area, month)
            pairs = await conn.fetch(
                """SELECT p.* FROM moderation_pairs p JOIN moderation_decisions d
                       USING (audit_id, submission)
                    WHERE d.service_area = $1 AND ($2::text IS NULL OR d.month = $2)""",
                service_area, month)
        by_decision: dict[tuple[uuid.UUID, int], list[Pair]] = {}
        for p in pairs:
            by_decision.setdefault((p["audit_id"], p["submission"]), []).append(
                Pair(p["element"], Grade(p["auditor_grade"]), Grade(p["moderator_grade"])))
        return [Decision(d["month"], d["auditor_id"], d["moderator_id"], d["outcome"],
                         tuple(by_decision.get((d["audit_id"], d["submission"]), ())))
                for d in decided]

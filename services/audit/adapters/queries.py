"""The AuditQueries port over the read-model tables and the service's own event store."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from services.audit.domain.streams import audit_stream
from shared.postgres.rows import plain

LISTED = """audit_id, month, child_ref, legal_status, case_team, status, overall_grade,
            audit_tool, tool_version, selection, return_deadline, submission, late"""


class PostgresAuditQueries:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def audits_of(self, auditor_id: str, service_area: str | None
                        ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"""SELECT {LISTED} FROM audits
                WHERE auditor_id = $1 AND ($2::text IS NULL OR service_area = $2)
                ORDER BY assigned_at DESC, audit_id""",
            auditor_id, service_area,
        )
        return [plain(row) for row in rows]

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None:
        async with self._pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                                  readonly=True):
            row = await conn.fetchrow("SELECT * FROM audits WHERE audit_id = $1", audit_id)
            if row is None:
                return None
            actions = await conn.fetch(
                """SELECT action_id, submission, description, owner_id, due_date, priority,
                          raised_at FROM audit_actions WHERE audit_id = $1
                    ORDER BY raised_at, action_id""", audit_id)
            concerns = await conn.fetch(
                """SELECT concern_id, category, reason, nature, immediacy, decided_by,
                          raised_at FROM audit_concerns WHERE audit_id = $1
                    ORDER BY raised_at, concern_id""", audit_id)
        decoded = {name: json.loads(row[name]) if row[name] is not None else None
                   for name in ("draft", "findings", "element_grades", "limited_by")}
        return plain(row, **decoded, actions=[plain(a) for a in actions],
                     concerns=[plain(c, nature=json.loads(c["nature"])) for c in concerns])

    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        area: str | None = await self._pool.fetchval(
            "SELECT service_area FROM audits WHERE audit_id = $1", audit_id
        )
        return area

    async def trail(self, audit_id: uuid.UUID) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT stream_version AS version, event_type, occurred_at,
                      (envelope::jsonb) -> 'actor' AS actor,
                      (envelope::jsonb) -> 'payload' AS payload
                 FROM events WHERE stream_id = $1 ORDER BY stream_version""",
            audit_stream(audit_id))
        return [plain(row, actor=json.loads(row["actor"]),
                      about=_about(row["event_type"], json.loads(row["payload"])))
                for row in rows]


def _about(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What the trail shows of an event: never the text a person wrote, which the audit
    itself shows to those who may read it."""
    if event_type == "AuditDraftSaved":
        return {"changed": sorted(payload.get("draft", {}))}
    keep = ("submission", "overall_grade", "late", "category", "decided_by", "outcome",
            "moderated_grade", "element", "from_grade", "to_grade", "from_auditor_id",
            "auditor_id", "standing", "final_grade", "completed_to_standard", "priority",
            "due_date", "owner_id", "audit_tool", "tool_version")
    return {key: payload[key] for key in keep if key in payload}

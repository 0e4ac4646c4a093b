"""The tracker's queries over its read models (the TrackerQueries port)."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import asyncpg

from services.tracker.application.queries import ActionCandidate, ActionFilter, ConcernCandidate
from services.tracker.domain.events import REGISTRY
from services.tracker.domain.figures import Dated
from shared.kernel.clock import end_of_london_day, london_date
from shared.postgres.rows import plain

_NEXT_DECISION = """
    CASE WHEN closed_on IS NOT NULL THEN NULL
         WHEN under_review THEN 'review'
         WHEN response_due_on IS NOT NULL THEN 'head-of-service-response'
         WHEN category = 1 THEN 'director-sign-off'
         ELSE 'head-of-service-sign-off' END"""


class PostgresTrackerQueries:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def action_candidates(self, today: date) -> list[ActionCandidate]:
        rows = await self._pool.fetch(
            """SELECT action_id, service_area, due_date, status = 'overdue' AS flagged,
                      escalation_level
                 FROM actions
                WHERE status IN ('open', 'overdue') AND due_date < $1
                ORDER BY due_date, action_id""", today)
        return [ActionCandidate(row["action_id"], row["service_area"], row["due_date"],
                                row["flagged"], row["escalation_level"]) for row in rows]

    async def concern_candidates(self, today: date) -> list[ConcernCandidate]:
        rows = await self._pool.fetch(
            """SELECT concern_id, service_area FROM children_of_concern
                WHERE response_due_on < $1 AND escalated_on IS NULL AND closed_on IS NULL
                ORDER BY response_due_on, concern_id""", today)
        return [ConcernCandidate(row["concern_id"], row["service_area"]) for row in rows]

    async def action(self, action_id: uuid.UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow("SELECT * FROM actions WHERE action_id = $1",
                                        action_id)
        return plain(row) if row is not None else None

    async def actions(self, which: ActionFilter) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM actions
                WHERE ($1::text IS NULL OR service_area = $1)
                  AND ($2::text IS NULL OR owner_id = $2)
                  AND ($3::text IS NULL OR case_team = $3)
                  AND ($4::text IS NULL OR status = $4)
                ORDER BY due_date, action_id""",
            which.service_area, which.owner_id, which.team, which.status)
        return [plain(row) for row in rows]

    async def concern(self, concern_id: uuid.UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            "SELECT * FROM children_of_concern WHERE concern_id = $1", concern_id)
        return plain(row) if row is not None else None

    async def children_of_concern(self, service_area: str, today: date,
                                  include_closed: bool = False) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"""SELECT *, {_NEXT_DECISION} AS next_decision FROM children_of_concern
                 WHERE service_area = $1 AND ($2 OR closed_on IS NULL)
                 ORDER BY category, tracked_since, concern_id""", service_area, include_closed)
        return [self._concern_row(row, today) for row in rows]

    @staticmethod
    def _concern_row(row: asyncpg.Record, today: date) -> dict[str, Any]:
        since = london_date(row["tracked_since"])
        until = row["closed_on"] or today
        # Calendar days in London, so a child added late yesterday counts one day.
        return plain(row, days_on_tracker=(until - since).days,
                     on_tracker_since=since.strftime("%Y-%m"),
                     next_decision_due=row["response_due_on"]
                     if row["next_decision"] == "head-of-service-response" else None)

    async def child_timeline(self, child_ref: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT event_id, service_area, subject, subject_id, event_type, occurred_at,
                      actor, payload::text AS payload
                 FROM tracker_timeline WHERE child_ref = $1 ORDER BY position""", child_ref)
        return [plain(row, payload=json.loads(row["payload"])) for row in rows]

    async def history(self, service_area: str, until: date
                      ) -> tuple[list[Dated], list[Dated]]:
        rows = await self._pool.fetch(
            """SELECT subject, subject_id, event_type, schema_version, occurred_at,
                      payload::text AS payload
                 FROM tracker_timeline WHERE service_area = $1 AND occurred_at <= $2
                ORDER BY position""", service_area, end_of_london_day(until))
        found: dict[str, list[Dated]] = {"action": [], "concern": []}
        for row in rows:
            event = REGISTRY.decode(row["event_type"], row["schema_version"],
                                    json.loads(row["payload"]))
            found[row["subject"]].append(
                Dated(row["subject_id"], london_date(row["occurred_at"]), event))
        return found["action"], found["concern"]


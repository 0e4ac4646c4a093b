"""The tracker's read models, kept in step inside each command's (or consumed event's)
transaction, and the queries over them."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.tracker.application.queries import ActionStatus, OverdueCandidate
from services.tracker.domain.events import ChildOfConcernTrackingStarted
from shared.events.tracker import ActionOverdue, ActionTrackingStarted
from shared.kernel.clock import london_date
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert, plain

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "tracker-read-models", tables=("actions", "children_of_concern"))


@PROJECTION.on(ActionTrackingStarted)
async def action_tracked(conn: asyncpg.Connection, event: ActionTrackingStarted,
                         envelope: Envelope) -> None:
    await insert(conn, "actions", **event.model_dump(), service_area=envelope.service_area)


@PROJECTION.on(ActionOverdue)
async def action_overdue(conn: asyncpg.Connection, event: ActionOverdue,
                         envelope: Envelope) -> None:
    await conn.execute(
        "UPDATE actions SET status = 'overdue', overdue_since = $2 WHERE action_id = $1",
        event.action_id, event.detected_on,
    )


@PROJECTION.on(ChildOfConcernTrackingStarted)
async def concern_tracked(conn: asyncpg.Connection, event: ChildOfConcernTrackingStarted,
                          envelope: Envelope) -> None:
    await insert(conn, "children_of_concern", **event.model_dump(exclude={"raised_at"}),
                 service_area=envelope.service_area,
                 tracked_since=event.raised_at or envelope.occurred_at)


class PostgresTrackerQueries:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def overdue_candidates(self, today: date) -> list[OverdueCandidate]:
        rows = await self._pool.fetch(
            """SELECT action_id, service_area FROM actions
                WHERE status = 'open' AND due_date < $1 ORDER BY due_date, action_id""",
            today,
        )
        return [OverdueCandidate(row["action_id"], row["service_area"]) for row in rows]

    async def actions(self, service_area: str, status: ActionStatus | None
                      ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM actions
                WHERE service_area = $1 AND ($2::text IS NULL OR status = $2)
                ORDER BY due_date, action_id""",
            service_area, status,
        )
        return [plain(row) for row in rows]

    async def children_of_concern(self, service_area: str, today: date
                                  ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM children_of_concern WHERE service_area = $1
                ORDER BY tracked_since, concern_id""",
            service_area,
        )
        # Calendar days in London, so a child added late yesterday counts one day.
        return [
            plain(row, days_on_tracker=(today - london_date(row["tracked_since"])).days)
            for row in rows
        ]

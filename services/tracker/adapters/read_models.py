"""The tracker's read models, kept in step inside each command's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from shared.clock import london_date
from shared.contracts import EventContract
from shared.envelope import Envelope
from shared.events.tracker import (
    ActionOverdue,
    ActionTrackingStarted,
    ChildOfConcernTrackingStarted,
)
from shared.postgres.rows import plain


async def project(conn: asyncpg.Connection, envelope: Envelope, event: EventContract) -> None:
    area = envelope.service_area
    if isinstance(event, ActionTrackingStarted):
        await conn.execute(
            """INSERT INTO actions (action_id, audit_id, service_area, month, child_ref,
                                    case_team, owner_id, due_date)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            event.action_id, event.audit_id, area, event.month, event.child_ref,
            event.case_team, event.owner_id, event.due_date,
        )
    elif isinstance(event, ActionOverdue):
        await conn.execute(
            "UPDATE actions SET status = 'overdue', overdue_since = $2 WHERE action_id = $1",
            event.action_id, event.detected_on,
        )
    elif isinstance(event, ChildOfConcernTrackingStarted):
        await conn.execute(
            "INSERT INTO children_of_concern VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            event.concern_id, event.audit_id, area, event.month, event.child_ref,
            event.case_team, event.category, event.raised_at or envelope.occurred_at,
        )


@dataclass(frozen=True)
class OverdueCandidate:
    action_id: uuid.UUID
    service_area: str


async def overdue_candidates(pool: asyncpg.Pool, today: date) -> list[OverdueCandidate]:
    """Open actions due before `today`. Only a shortlist: the action's own stream decides."""
    rows = await pool.fetch(
        """SELECT action_id, service_area FROM actions
            WHERE status = 'open' AND due_date < $1 ORDER BY due_date, action_id""",
        today,
    )
    return [OverdueCandidate(row["action_id"], row["service_area"]) for row in rows]


async def list_actions(
    pool: asyncpg.Pool, service_area: str, status: str | None
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        """SELECT * FROM actions
            WHERE service_area = $1 AND ($2::text IS NULL OR status = $2)
            ORDER BY due_date, action_id""",
        service_area, status,
    )
    return [plain(row) for row in rows]


async def list_children_of_concern(
    pool: asyncpg.Pool, service_area: str, today: date
) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        """SELECT * FROM children_of_concern WHERE service_area = $1
            ORDER BY tracked_since, concern_id""",
        service_area,
    )
    # Calendar days in London, so a child added late yesterday counts one day.
    return [
        plain(row, days_on_tracker=(today - london_date(row["tracked_since"])).days)
        for row in rows
    ]

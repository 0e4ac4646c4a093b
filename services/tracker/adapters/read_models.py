"""The tracker's lists of actions and Children of Concern, kept in step inside each
command's (or consumed event's) transaction."""

from __future__ import annotations

import asyncpg

from services.tracker.domain.events import (
    ActionDescribed,
    ChildOfConcernResponseDue,
    ChildOfConcernTrackingStarted,
)
from shared.events import tracker as wire
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "tracker-read-models", tables=("actions", "children_of_concern"))
Conn = asyncpg.Connection


@PROJECTION.on(wire.ActionTrackingStarted)
async def action_tracked(conn: Conn, event: wire.ActionTrackingStarted, envelope: Envelope) -> None:
    await insert(conn, "actions", **event.model_dump(), service_area=envelope.service_area,
                 raised_at=envelope.occurred_at, original_due_date=event.due_date)


@PROJECTION.on(ActionDescribed)
async def action_described(conn: Conn, event: ActionDescribed, envelope: Envelope) -> None:
    await conn.execute("UPDATE actions SET description = $2 WHERE action_id = $1",
                       event.action_id, event.description)


@PROJECTION.on(wire.ActionOverdue)
async def action_overdue(conn: Conn, event: wire.ActionOverdue, envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE actions SET status = 'overdue', overdue_since = $2
            WHERE action_id = $1 AND status = 'open'""", event.action_id, event.detected_on)


@PROJECTION.on(wire.ActionEscalated)
async def action_escalated(conn: Conn, event: wire.ActionEscalated, envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE actions SET escalation_level = greatest(escalation_level, $2)
            WHERE action_id = $1""", event.action_id, event.level)


@PROJECTION.on(wire.ActionCompleted)
async def action_completed(conn: Conn, event: wire.ActionCompleted, envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE actions SET status = 'completed', completed_by = $2, completed_on = $3
            WHERE action_id = $1""", event.action_id, event.completed_by, event.completed_on)


@PROJECTION.on(wire.ActionVerified)
async def action_verified(conn: Conn, event: wire.ActionVerified, envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE actions SET status = 'verified', verified_by = $2, verified_on = $3
            WHERE action_id = $1""", event.action_id, event.verified_by, event.verified_on)


@PROJECTION.on(wire.ActionReopened)
async def action_reopened(conn: Conn, event: wire.ActionReopened, envelope: Envelope) -> None:
    # Back to overdue if it was flagged for its current due date; the scan flags it
    # otherwise once that date has passed.
    await conn.execute(
        """UPDATE actions SET completed_by = NULL, completed_on = NULL, verified_by = NULL,
                  verified_on = NULL,
                  status = CASE WHEN overdue_since IS NULL THEN 'open' ELSE 'overdue' END
            WHERE action_id = $1""", event.action_id)


@PROJECTION.on(wire.ActionDueDateExtended)
async def action_extended(conn: Conn, event: wire.ActionDueDateExtended,
                          envelope: Envelope) -> None:
    # A new timescale: within it again until it passes (the history keeps the old one).
    await conn.execute(
        """UPDATE actions SET due_date = $2, extensions = extensions + 1, overdue_since = NULL,
                  escalation_level = 0,
                  status = CASE WHEN status = 'overdue' THEN 'open' ELSE status END
            WHERE action_id = $1""", event.action_id, event.to_date)


@PROJECTION.on(wire.ActionReassigned)
async def action_reassigned(conn: Conn, event: wire.ActionReassigned, envelope: Envelope) -> None:
    await conn.execute("UPDATE actions SET owner_id = $2 WHERE action_id = $1",
                       event.action_id, event.to_owner_id)


@PROJECTION.on(ChildOfConcernTrackingStarted)
async def concern_tracked(conn: Conn, event: ChildOfConcernTrackingStarted,
                          envelope: Envelope) -> None:
    await insert(conn, "children_of_concern",
                 **event.model_dump(exclude={"raised_at", "nature"}),
                 nature=[n.value for n in event.nature], original_category=event.category,
                 service_area=envelope.service_area,
                 tracked_since=event.raised_at or envelope.occurred_at)


@PROJECTION.on(ChildOfConcernResponseDue)
async def response_due(conn: Conn, event: ChildOfConcernResponseDue, envelope: Envelope
                       ) -> None:
    await conn.execute(
        """UPDATE children_of_concern SET response_due_on = $2, escalated_on = NULL
            WHERE concern_id = $1""", event.concern_id, event.due_on)


@PROJECTION.on(wire.ChildOfConcernResponseRecorded)
async def responded(conn: Conn, event: wire.ChildOfConcernResponseRecorded, envelope: Envelope
                    ) -> None:
    await conn.execute(
        """UPDATE children_of_concern SET last_response_by = $2, last_response_on = $3,
                  under_review = false,
                  response_due_on = CASE WHEN $4 THEN NULL ELSE response_due_on END
            WHERE concern_id = $1""",
        event.concern_id, event.responded_by, event.responded_on,
        event.role in ("head-of-service", "director"))


@PROJECTION.on(wire.ChildOfConcernEscalated)
async def escalated(conn: Conn, event: wire.ChildOfConcernEscalated, envelope: Envelope) -> None:
    await conn.execute("UPDATE children_of_concern SET escalated_on = $2 WHERE concern_id = $1",
                       event.concern_id, event.detected_on)


@PROJECTION.on(wire.ChildOfConcernUnderReview)
async def under_review(conn: Conn, event: wire.ChildOfConcernUnderReview, envelope: Envelope
                       ) -> None:
    await conn.execute(
        "UPDATE children_of_concern SET under_review = true WHERE concern_id = $1",
        event.concern_id)


@PROJECTION.on(wire.ChildOfConcernCategoryApplied)
async def category_applied(conn: Conn, event: wire.ChildOfConcernCategoryApplied,
                           envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE children_of_concern SET category = $2,
                  response_due_on = CASE WHEN $2 = 1 THEN response_due_on END
            WHERE concern_id = $1""", event.concern_id, event.to_category)


@PROJECTION.on(wire.ChildOfConcernClosed)
async def closed(conn: Conn, event: wire.ChildOfConcernClosed, envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE children_of_concern SET closed_by = $2, closed_on = $3,
                  under_review = false WHERE concern_id = $1""",
        event.concern_id, event.signed_off_by, event.closed_on)

"""Everything tracked, one row per event, by child: the timeline a person reads, and the
histories the figures as at any date are folded from (`queries.py`)."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.tracker.domain.events import (
    ActionDescribed,
    ChildOfConcernResponseDue,
    ChildOfConcernTrackingStarted,
)
from shared.events import tracker as wire
from shared.kernel.actor import describe
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection, ProjectionHandler

TIMELINE: Projection[asyncpg.Connection] = Projection(
    "tracker-timeline", tables=("tracker_timeline",))

ACTION_EVENTS: tuple[type[EventContract], ...] = (
    wire.ActionTrackingStarted, ActionDescribed, wire.ActionOverdue, wire.ActionEscalated,
    wire.ActionCompleted, wire.ActionVerified, wire.ActionReopened, wire.ActionDueDateExtended,
    wire.ActionReassigned)
CONCERN_EVENTS: tuple[type[EventContract], ...] = (
    ChildOfConcernTrackingStarted, ChildOfConcernResponseDue,
    wire.ChildOfConcernResponseRecorded, wire.ChildOfConcernEscalated,
    wire.ChildOfConcernUnderReview, wire.ChildOfConcernCategoryApplied,
    wire.ChildOfConcernClosed)

# The child's reference comes from the list row the read-model projection keeps (it runs
# first), so events that do not repeat it still land on the child's timeline.
_RECORD = """
    INSERT INTO tracker_timeline (event_id, service_area, child_ref, subject, subject_id,
                                  event_type, schema_version, occurred_at, actor, payload)
    SELECT $1, $2, child_ref, '{subject}', $3, $4, $5, $6, $7, $8::jsonb
      FROM {table} WHERE {key} = $3
    ON CONFLICT (event_id) DO NOTHING"""
SQL = {
    "action": _RECORD.format(subject="action", table="actions", key="action_id"),
    "concern": _RECORD.format(subject="concern", table="children_of_concern", key="concern_id"),
}


def _recorder(subject: str) -> ProjectionHandler[asyncpg.Connection, Any]:
    async def record(conn: asyncpg.Connection, event: EventContract, envelope: Envelope
                     ) -> None:
        subject_id = getattr(event, f"{subject}_id")
        await conn.execute(SQL[subject], envelope.event_id, envelope.service_area, subject_id,
                           event.type_name, event.schema_version, envelope.occurred_at,
                           describe(envelope.actor), event.model_dump_json())

    return record


for _contract in ACTION_EVENTS:
    TIMELINE.on(_contract)(_recorder("action"))
for _contract in CONCERN_EVENTS:
    TIMELINE.on(_contract)(_recorder("concern"))

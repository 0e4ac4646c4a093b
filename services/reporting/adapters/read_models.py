"""The reporting read models: a projection the consumer runs inside its inbox
transaction, read back for one service area and month (the MonthlyRows port).

The inbox already makes each event take effect once; every write is still an upsert on
the natural id, so a replay (e.g. from a dead-letter topic, under a fresh consumer name)
cannot double count, and events from different topics may arrive in any order.
"""

from __future__ import annotations

import asyncpg

from services.reporting.domain.monthly_summary import (
    ActionRow,
    AuditRow,
    ConcernRow,
    MonthRows,
)
from shared.events.allocation import AuditCycleOpened, CaseAllocated
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade
from shared.events.moderation import AuditModerated
from shared.events.tracker import ActionOverdue
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "monthly-read-models", tables=("allocations", "audits", "concerns", "actions"))


async def _month_seen(conn: asyncpg.Connection, service_area: str, month: str) -> None:
    await conn.execute("INSERT INTO months VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       service_area, month)


@PROJECTION.on(AuditCycleOpened)
async def on_cycle_opened(conn: asyncpg.Connection, event: AuditCycleOpened,
                          envelope: Envelope) -> None:
    await _month_seen(conn, envelope.service_area, event.month)


@PROJECTION.on(CaseAllocated)
async def on_case_allocated(conn: asyncpg.Connection, event: CaseAllocated,
                            envelope: Envelope) -> None:
    await _month_seen(conn, envelope.service_area, event.month)
    await conn.execute(
        """INSERT INTO allocations (allocation_id, service_area, month, allocation_seen)
           VALUES ($1, $2, $3, true)
           ON CONFLICT (allocation_id) DO UPDATE SET allocation_seen = true""",
        event.allocation_id, envelope.service_area, event.month,
    )


@PROJECTION.on(AuditSubmitted)
async def on_audit_submitted(conn: asyncpg.Connection, event: AuditSubmitted,
                             envelope: Envelope) -> None:
    area = envelope.service_area
    await conn.execute(
        """INSERT INTO allocations (allocation_id, service_area, month)
           VALUES ($1, $2, $3) ON CONFLICT (allocation_id) DO NOTHING""",
        event.allocation_id, area, event.month,
    )
    # Leaves the moderation columns alone: AuditModerated may already have filled them.
    await conn.execute(
        """INSERT INTO audits (audit_id, service_area, month, allocation_id, submitted,
                               submitted_grade, late)
           VALUES ($1, $2, $3, $4, true, $5, $6)
           ON CONFLICT (audit_id) DO UPDATE SET
               allocation_id = EXCLUDED.allocation_id,
               submitted = true,
               submitted_grade = EXCLUDED.submitted_grade,
               late = EXCLUDED.late""",
        event.audit_id, area, event.month, event.allocation_id,
        event.overall_grade.value, event.late,
    )


@PROJECTION.on(AuditModerated)
async def on_audit_moderated(conn: asyncpg.Connection, event: AuditModerated,
                             envelope: Envelope) -> None:
    await conn.execute(
        """INSERT INTO audits (audit_id, service_area, month, moderated, moderated_grade,
                               grade_changed)
           VALUES ($1, $2, $3, true, $4, $5)
           ON CONFLICT (audit_id) DO UPDATE SET
               moderated = true,
               moderated_grade = EXCLUDED.moderated_grade,
               grade_changed = EXCLUDED.grade_changed""",
        event.audit_id, envelope.service_area, event.month,
        event.moderated_grade.value, event.outcome == "grades-changed",
    )


@PROJECTION.on(ChildOfConcernRaised)
async def on_concern_raised(conn: asyncpg.Connection, event: ChildOfConcernRaised,
                            envelope: Envelope) -> None:
    await conn.execute(
        """INSERT INTO concerns (concern_id, service_area, month, audit_id, category)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (concern_id) DO UPDATE SET category = EXCLUDED.category""",
        event.concern_id, envelope.service_area, event.month, event.audit_id,
        event.category,
    )


@PROJECTION.on(ActionRaised)
async def on_action_raised(conn: asyncpg.Connection, event: ActionRaised,
                           envelope: Envelope) -> None:
    await conn.execute(
        """INSERT INTO actions (action_id, service_area, month, audit_id, raised, due_date)
           VALUES ($1, $2, $3, $4, true, $5)
           ON CONFLICT (action_id) DO UPDATE SET raised = true, due_date = EXCLUDED.due_date""",
        event.action_id, envelope.service_area, event.month, event.audit_id,
        event.due_date,
    )


@PROJECTION.on(ActionOverdue)
async def on_action_overdue(conn: asyncpg.Connection, event: ActionOverdue,
                            envelope: Envelope) -> None:
    # The tracker only reports overdue an action that was raised, so this creates the
    # row when ActionRaised is still on its way; the action counts from now on.
    await conn.execute(
        """INSERT INTO actions (action_id, service_area, month, audit_id, due_date, overdue,
                                overdue_detected_on)
           VALUES ($1, $2, $3, $4, $5, true, $6)
           ON CONFLICT (action_id) DO UPDATE SET
               overdue = true,
               overdue_detected_on = EXCLUDED.overdue_detected_on,
               due_date = COALESCE(actions.due_date, EXCLUDED.due_date)""",
        event.action_id, envelope.service_area, event.month, event.audit_id,
        event.due_date, event.detected_on,
    )



class PostgresMonthlyRows:
    """The MonthlyRows port over the read-model tables."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def load(self, service_area: str, month: str) -> MonthRows | None:
        # One read-only snapshot, so the figures agree with one another even while events
        # keep arriving.
        async with self._pool.acquire() as conn, conn.transaction(
            isolation="repeatable_read", readonly=True
        ):
            if not await conn.fetchval(
                    "SELECT true FROM months WHERE service_area = $1 AND month = $2",
                    service_area, month):
                return None
            allocated = await conn.fetchval(
                "SELECT count(*) FROM allocations WHERE service_area = $1 AND month = $2",
                service_area, month,
            )
            audits = await conn.fetch(
                """SELECT submitted_grade, late, moderated_grade, grade_changed FROM audits
                    WHERE service_area = $1 AND month = $2""",
                service_area, month,
            )
            concerns = await conn.fetch(
                "SELECT category FROM concerns WHERE service_area = $1 AND month = $2",
                service_area, month,
            )
            actions = await conn.fetch(
                "SELECT overdue FROM actions WHERE service_area = $1 AND month = $2",
                service_area, month,
            )
        return MonthRows(
            allocated=int(allocated),
            audits=tuple(
                AuditRow(
                    submitted_grade=_grade(row["submitted_grade"]),
                    late=row["late"],
                    moderated_grade=_grade(row["moderated_grade"]),
                    grade_changed=row["grade_changed"],
                )
                for row in audits
            ),
            concerns=tuple(ConcernRow(category=row["category"]) for row in concerns),
            actions=tuple(ActionRow(overdue=row["overdue"]) for row in actions),
        )


def _grade(value: str | None) -> Grade | None:
    return None if value is None else Grade(value)

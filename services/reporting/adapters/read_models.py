"""The reporting read models: written by the consumer's handlers inside its inbox
transaction, read back for one service area and month (the MonthlyRows port).

The inbox already makes each event take effect once; every write is still an upsert on
the natural id, so a replay (e.g. from a dead-letter topic, under a fresh consumer name)
cannot double count, and events from different topics may arrive in any order.
"""

from __future__ import annotations

from typing import TypeVar

import asyncpg

from services.reporting.domain.monthly_summary import (
    ActionRow,
    AuditRow,
    ConcernRow,
    MonthRows,
)
from shared.contracts import EventContract
from shared.envelope import Envelope
from shared.events.allocation import CaseAllocated
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade
from shared.events.moderation import AuditModerated
from shared.events.tracker import ActionOverdue
from shared.messaging.inbox import Delivery, Handler

E = TypeVar("E", bound=EventContract)


async def project(conn: asyncpg.Connection, envelope: Envelope, event: EventContract) -> None:
    """The reporting service records no events of its own yet, so nothing to project."""
    return None


def _event(delivery: Delivery, contract: type[E]) -> E:
    event = delivery.event
    if not isinstance(event, contract):
        raise TypeError(f"expected {contract.type_name}, got {type(event).__name__}")
    return event


async def on_case_allocated(delivery: Delivery) -> None:
    event = _event(delivery, CaseAllocated)
    await delivery.conn.execute(
        """INSERT INTO allocations (allocation_id, service_area, month, allocation_seen)
           VALUES ($1, $2, $3, true)
           ON CONFLICT (allocation_id) DO UPDATE SET allocation_seen = true""",
        event.allocation_id, delivery.envelope.service_area, event.month,
    )


async def on_audit_submitted(delivery: Delivery) -> None:
    event = _event(delivery, AuditSubmitted)
    area = delivery.envelope.service_area
    await delivery.conn.execute(
        """INSERT INTO allocations (allocation_id, service_area, month)
           VALUES ($1, $2, $3) ON CONFLICT (allocation_id) DO NOTHING""",
        event.allocation_id, area, event.month,
    )
    # Leaves the moderation columns alone: AuditModerated may already have filled them.
    await delivery.conn.execute(
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


async def on_audit_moderated(delivery: Delivery) -> None:
    event = _event(delivery, AuditModerated)
    await delivery.conn.execute(
        """INSERT INTO audits (audit_id, service_area, month, moderated, moderated_grade,
                               grade_changed)
           VALUES ($1, $2, $3, true, $4, $5)
           ON CONFLICT (audit_id) DO UPDATE SET
               moderated = true,
               moderated_grade = EXCLUDED.moderated_grade,
               grade_changed = EXCLUDED.grade_changed""",
        event.audit_id, delivery.envelope.service_area, event.month,
        event.moderated_grade.value, event.outcome == "grade-changed",
    )


async def on_concern_raised(delivery: Delivery) -> None:
    event = _event(delivery, ChildOfConcernRaised)
    await delivery.conn.execute(
        """INSERT INTO concerns (concern_id, service_area, month, audit_id, category)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (concern_id) DO UPDATE SET category = EXCLUDED.category""",
        event.concern_id, delivery.envelope.service_area, event.month, event.audit_id,
        event.category,
    )


async def on_action_raised(delivery: Delivery) -> None:
    event = _event(delivery, ActionRaised)
    await delivery.conn.execute(
        """INSERT INTO actions (action_id, service_area, month, audit_id, raised, due_date)
           VALUES ($1, $2, $3, $4, true, $5)
           ON CONFLICT (action_id) DO UPDATE SET raised = true, due_date = EXCLUDED.due_date""",
        event.action_id, delivery.envelope.service_area, event.month, event.audit_id,
        event.due_date,
    )


async def on_action_overdue(delivery: Delivery) -> None:
    # The tracker only reports overdue an action that was raised, so this creates the
    # row when ActionRaised is still on its way; the action counts from now on.
    event = _event(delivery, ActionOverdue)
    await delivery.conn.execute(
        """INSERT INTO actions (action_id, service_area, month, audit_id, due_date, overdue,
                                overdue_detected_on)
           VALUES ($1, $2, $3, $4, $5, true, $6)
           ON CONFLICT (action_id) DO UPDATE SET
               overdue = true,
               overdue_detected_on = EXCLUDED.overdue_detected_on,
               due_date = COALESCE(actions.due_date, EXCLUDED.due_date)""",
        event.action_id, delivery.envelope.service_area, event.month, event.audit_id,
        event.due_date, event.detected_on,
    )


HANDLERS: dict[str, Handler] = {
    CaseAllocated.type_name: on_case_allocated,
    AuditSubmitted.type_name: on_audit_submitted,
    AuditModerated.type_name: on_audit_moderated,
    ChildOfConcernRaised.type_name: on_concern_raised,
    ActionRaised.type_name: on_action_raised,
    ActionOverdue.type_name: on_action_overdue,
}


class PostgresMonthlyRows:
    """The MonthlyRows port over the read-model tables."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def load(self, service_area: str, month: str) -> MonthRows:
        # One read-only snapshot, so the figures agree with one another even while events
        # keep arriving.
        async with self._pool.acquire() as conn, conn.transaction(
            isolation="repeatable_read", readonly=True
        ):
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

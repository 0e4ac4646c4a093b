"""Notifications recorded with the events that cause them (in the same transaction, so an
event is never without its messages), addressed against the staff directory, and the
outbox a sender drains. Never rebuilt: a rebuild would send everything again."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

from services.tracker.application.notifications import COMPOSE, About, To, notices
from services.tracker.application.ports import Message
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection

log = logging.getLogger(__name__)
NOTIFY: Projection[asyncpg.Connection] = Projection("tracker-notifications")
Addressee = tuple[str | None, str | None]  # (person, role mailbox)


async def _about(conn: asyncpg.Connection, event: EventContract) -> About:
    if action_id := getattr(event, "action_id", None):
        row = await conn.fetchrow(
            "SELECT owner_id, case_team FROM actions WHERE action_id = $1", action_id)
        return About(row["owner_id"], row["case_team"]) if row else About(None, "")
    row = await conn.fetchrow(
        "SELECT case_team, category FROM children_of_concern WHERE concern_id = $1",
        getattr(event, "concern_id", None))
    return About(None, row["case_team"], row["category"]) if row else About(None, "")


async def resolve(conn: asyncpg.Connection, to: To) -> list[Addressee]:
    """People by the directory; where it names nobody, the role's mailbox (never dropped)."""
    if to.kind == "person":
        return [(to.value, None)]
    if to.kind == "manager-of":
        found = await conn.fetchval("SELECT manager_id FROM staff WHERE person_id = $1",
                                    to.value)
        people, fallback = ([found] if found else []), "team-manager"
    elif to.kind == "head-of-service-for":
        people = [row["person_id"] for row in await conn.fetch(
            """SELECT person_id FROM staff WHERE team = $1 AND role = 'head-of-service'
                AND NOT left_service ORDER BY person_id""", to.value)]
        fallback = "head-of-service"
    else:
        people = [row["person_id"] for row in await conn.fetch(
            """SELECT person_id FROM staff WHERE role = $1 AND NOT left_service
                ORDER BY person_id""", to.value)]
        fallback = to.value
    if not people:
        log.warning("the staff directory names no %s %s: addressed to the %s mailbox",
                    to.kind, to.value, fallback)
        return [(None, fallback)]
    return [(person, None) for person in people]


async def record(conn: asyncpg.Connection, event: EventContract, envelope: Envelope) -> None:
    about = await _about(conn, event)
    for notice in notices(event, about):
        addressees: list[Addressee] = []
        for to in notice.to:
            addressees += [a for a in await resolve(conn, to) if a not in addressees]
        for person, role in addressees:
            await conn.execute(
                """INSERT INTO notifications (event_id, to_person, to_role, subject, body)
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING""",
                envelope.event_id, person, role, notice.subject, notice.body)


for _contract in COMPOSE:
    NOTIFY.on(_contract)(record)


def _message(row: asyncpg.Record | Any) -> Message:
    return Message(notification_id=row["notification_id"], event_id=row["event_id"],
                   to_person=row["to_person"], to_role=row["to_role"],
                   subject=row["subject"], body=row["body"])


class PostgresNotificationOutbox:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim(self, limit: int) -> list[Message]:
        rows = await self._pool.fetch(
            """UPDATE notifications SET claimed_until = now() + interval '1 minute',
                      attempts = attempts + 1
                WHERE notification_id IN (
                      SELECT notification_id FROM notifications
                       WHERE sent_at IS NULL
                         AND (claimed_until IS NULL OR claimed_until < now())
                       ORDER BY notification_id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING *""", limit)
        return sorted((_message(row) for row in rows), key=lambda m: m.notification_id)

    async def sent(self, notification_id: int) -> None:
        await self._pool.execute(
            "UPDATE notifications SET sent_at = now(), claimed_until = NULL, last_error = NULL"
            " WHERE notification_id = $1", notification_id)

    async def failed(self, notification_id: int, error: str) -> None:
        # Backs off with each attempt, to at most ten minutes.
        await self._pool.execute(
            """UPDATE notifications SET last_error = $2,
                      claimed_until = now() + least(attempts, 20) * interval '30 seconds'
                WHERE notification_id = $1""", notification_id, error[:500])


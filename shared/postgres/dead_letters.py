"""The dead-letter list every service keeps (table `dead_letters`, migration 0006), and
the reads the host's operations routes make of it."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from shared.events.operations import (
    DeadLetterDiscarded,
    DeadLetterReplayed,
    DeadLetterReplayFailed,
    MessageDeadLettered,
)
from shared.kernel.actor import describe
from shared.kernel.envelope import Envelope
from shared.kernel.errors import NotFound
from shared.kit.dead_letters import dead_letter_stream
from shared.kit.projection import Projection

DEAD_LETTERS: Projection[asyncpg.Connection] = Projection("dead letters",
                                                          tables=["dead_letters"])


def _who(envelope: Envelope) -> str:
    return describe(envelope.actor)


@DEAD_LETTERS.on(MessageDeadLettered)
async def _set_aside(conn: asyncpg.Connection, event: MessageDeadLettered,
                     envelope: Envelope) -> None:
    await conn.execute(
        """INSERT INTO dead_letters (dead_letter_id, consumer, subscription, source_topic,
               source_partition, source_offset, reason, error, event_id, event_type,
               stream_id, set_aside_at, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending')
           ON CONFLICT (dead_letter_id) DO UPDATE SET status = 'pending',
               reason = EXCLUDED.reason, error = EXCLUDED.error""",
        event.dead_letter_id, event.consumer, event.subscription, event.source_topic,
        event.partition, event.offset, event.reason, event.error, event.event_id,
        event.event_type, event.stream_id, envelope.occurred_at)


@DEAD_LETTERS.on(DeadLetterReplayed)
async def _replayed(conn: asyncpg.Connection, event: DeadLetterReplayed,
                    envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE dead_letters SET status = 'replayed', outcome = $2, decided_by = $3,
               decided_at = $4, replay_attempts = replay_attempts + 1
            WHERE dead_letter_id = $1""",
        event.dead_letter_id, event.outcome, _who(envelope), envelope.occurred_at)


@DEAD_LETTERS.on(DeadLetterReplayFailed)
async def _replay_failed(conn: asyncpg.Connection, event: DeadLetterReplayFailed,
                         envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE dead_letters SET replay_attempts = replay_attempts + 1, last_error = $2
            WHERE dead_letter_id = $1""", event.dead_letter_id, event.error)


@DEAD_LETTERS.on(DeadLetterDiscarded)
async def _discarded(conn: asyncpg.Connection, event: DeadLetterDiscarded,
                     envelope: Envelope) -> None:
    await conn.execute(
        """UPDATE dead_letters SET status = 'discarded', decided_by = $2, decided_at = $3,
               discard_reason = $4
            WHERE dead_letter_id = $1""",
        event.dead_letter_id, _who(envelope), envelope.occurred_at, event.reason)


class DeadLetterList:
    """The operators' reads of the dead-letter table."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def listed(self, status: str | None = None, subscription: str | None = None
                     ) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM dead_letters
                WHERE ($1::text IS NULL OR status = $1)
                  AND ($2::text IS NULL OR subscription = $2)
                ORDER BY set_aside_at, dead_letter_id""", status, subscription)
        return [dict(row) for row in rows]

    async def one(self, ident: uuid.UUID) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            "SELECT * FROM dead_letters WHERE dead_letter_id = $1", ident)
        return dict(row) if row is not None else None

    async def record(self, ident: uuid.UUID) -> MessageDeadLettered:
        """The record as it was set aside (the stream's first event)."""
        row = await self._pool.fetchrow(
            """SELECT envelope FROM events WHERE stream_id = $1 AND stream_version = 1""",
            dead_letter_stream(ident))
        if row is None:
            raise NotFound(f"no dead letter {ident} here")
        return MessageDeadLettered.model_validate(
            Envelope.from_json(row["envelope"].encode()).payload)

    async def pending_by_subscription(self) -> list[tuple[str, int]]:
        rows = await self._pool.fetch(
            """SELECT subscription, count(*) FILTER (WHERE status = 'pending') AS pending
                 FROM dead_letters GROUP BY subscription ORDER BY subscription""")
        return [(row["subscription"], int(row["pending"])) for row in rows]

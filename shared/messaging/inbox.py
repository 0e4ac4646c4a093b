"""The consumer inbox: an event takes effect once, however often it is delivered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import cast

import asyncpg

from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope


@dataclass(frozen=True)
class Delivery:
    """One event handed to a consumer's handler, inside the consumer's transaction."""

    envelope: Envelope
    event: EventContract
    conn: asyncpg.Connection


Handler = Callable[[Delivery], Awaitable[None]]


async def take_effect_once(
    pool: asyncpg.Pool, consumer: str, envelope: Envelope, event: EventContract, handler: Handler
) -> bool:
    """Run `handler` and record the event as processed in one transaction.

    Returns False when the event had already taken effect (a redelivery).
    """
    async with pool.acquire() as proxy, proxy.transaction():
        # The pool's proxy forwards every Connection method; handlers see a Connection.
        conn = cast(asyncpg.Connection, proxy)
        first_time = await conn.fetchval(
            """INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true""",
            consumer,
            envelope.event_id,
            envelope.event_type,
        )
        if not first_time:
            return False
        await handler(Delivery(envelope=envelope, event=event, conn=conn))
        return True

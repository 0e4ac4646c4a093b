"""Rebuilding a service's own read models from its event store."""

from __future__ import annotations

import logging
from typing import cast

import asyncpg

from shared.kernel.contracts import ContractRegistry
from shared.kit.projection import Projection
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import quote_ident

log = logging.getLogger(__name__)


async def rebuild(projection: Projection[asyncpg.Connection], store: EventStore,
                  registry: ContractRegistry) -> int:
    """Empty the projection's tables and apply the whole store to them in commit order,
    in one transaction: readers keep seeing the old rows until the new ones are complete.
    Returns how many events the projection handled.

    One transaction also holds back every relay on the server while it runs (their
    horizon waits for it): fine for a service's own tables at today's sizes; rebuilding
    large read models side by side (blue/green) is the reporting service's job."""
    handled = 0
    async with store.pool.acquire() as proxy, proxy.transaction():
        conn = cast(asyncpg.Connection, proxy)  # the pool's proxy forwards every method
        for table in projection.tables:
            await conn.execute(f"DELETE FROM {quote_ident(table)}")
        async for batch in store.read_all():
            for recorded in batch:
                event = recorded.decode(registry)
                if await projection.apply(conn, recorded.envelope, event):
                    handled += 1
    log.info("rebuilt %s from %d events", projection.name, handled)
    return handled

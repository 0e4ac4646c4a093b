"""The Transactions port over PostgreSQL: one asyncpg transaction holds a command's
events, its inline read-model rows and its idempotency record."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, cast

import asyncpg

from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope, RecordedEvent, canonical_json
from shared.kernel.errors import ConcurrencyError
from shared.kit.ports import StoredAnswer
from shared.kit.projection import Projection
from shared.postgres.event_store import EventStore
from shared.telemetry.tracing import child_span, envelope_attributes


class PostgresSession:
    """The event store, inline projections and idempotency records on one connection
    that is already inside a transaction."""

    def __init__(self, conn: asyncpg.Connection, store: EventStore,
                 projections: Sequence[Projection[asyncpg.Connection]]) -> None:
        self.conn = conn
        self._store = store
        self._projections = projections

    async def read_streams(
        self, stream_ids: Sequence[str]
    ) -> Mapping[str, Sequence[RecordedEvent]]:
        return await self._store.read_streams(stream_ids, conn=self.conn)

    async def append(
        self, stream_id: str, expected_version: int, envelopes: Sequence[Envelope]
    ) -> None:
        with child_span("append", {"qa.stream_id": stream_id, "qa.events": len(envelopes),
                                   "qa.expected_version": expected_version}):
            await self._store.append(stream_id, expected_version, envelopes, conn=self.conn)

    async def project(self, envelope: Envelope, event: EventContract) -> None:
        for projection in self._projections:
            if type(event) in projection.handles:
                with child_span(f"project {projection.name}", envelope_attributes(envelope)):
                    await projection.apply(self.conn, envelope, event)

    async def hold_key(self, key: str) -> StoredAnswer | None:
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                                f"idempotency:{key}")
        row = await self.conn.fetchrow(
            "SELECT request_hash, response FROM idempotency_keys WHERE idempotency_key = $1",
            key,
        )
        if row is None:
            return None
        return StoredAnswer(row["request_hash"], json.loads(row["response"]))

    async def remember(self, key: str, command: str, request_hash: str,
                       result: Mapping[str, Any]) -> None:
        await self.conn.execute(
            """INSERT INTO idempotency_keys
                   (idempotency_key, command, request_hash, status_code, response)
               VALUES ($1, $2, $3, 0, $4)""",
            key, command, request_hash, canonical_json(dict(result)),
        )


class PostgresTransactions:
    def __init__(self, store: EventStore,
                 projections: Sequence[Projection[asyncpg.Connection]] = ()) -> None:
        self._store = store
        self._projections = tuple(projections)

    def session(self, conn: asyncpg.Connection) -> PostgresSession:
        """A session in a transaction someone else holds (a consumer's inbox transaction)."""
        return PostgresSession(conn, self._store, self._projections)

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[PostgresSession]:
        try:
            async with self._store.pool.acquire() as proxy, proxy.transaction():
                # The pool's proxy forwards every Connection method.
                yield self.session(cast(asyncpg.Connection, proxy))
        except asyncpg.UniqueViolationError as error:
            # A read-model row written by a racing command: decide again on fresh history.
            raise ConcurrencyError(f"a concurrent command wrote {error.constraint_name}") \
                from error

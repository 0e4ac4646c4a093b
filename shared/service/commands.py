"""Running one command: decide from history, record events, answer once per idempotency key.

Everything a command changes (events, read models, the idempotency record) is written
in one transaction, so a failed command leaves nothing half-written. A stream that moved
on under us (ConcurrencyError) makes the whole command run again on fresh history.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import asyncpg

from shared.actor import Person, SystemProcess
from shared.contracts import ContractRegistry, EventContract
from shared.envelope import Envelope, EventMetadata, canonical_json, seal
from shared.postgres.event_store import ConcurrencyError, EventStore

Projector = Callable[[asyncpg.Connection, Envelope, EventContract], Awaitable[None]]


class IdempotencyConflict(Exception):
    """The key was used before for a different request."""


@dataclass(frozen=True)
class CommandContext:
    name: str
    actor: Person | SystemProcess
    service_area: str
    correlation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    command_id: uuid.UUID = field(default_factory=uuid.uuid4)
    idempotency_key: str | None = None
    request: Any = None

    def request_hash(self) -> str:
        text = canonical_json({"command": self.name, "request": self.request})
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: dict[str, Any]


class UnitOfWork:
    """What a use case may do inside its transaction."""

    def __init__(
        self,
        conn: asyncpg.Connection,
        store: EventStore,
        registry: ContractRegistry,
        projector: Projector,
        metadata: EventMetadata,
    ) -> None:
        self.conn = conn
        self._store = store
        self._registry = registry
        self._projector = projector
        self.metadata = metadata
        self.recorded: list[Envelope] = []

    @property
    def now(self) -> datetime:
        return self.metadata.occurred_at

    async def history(self, stream_id: str) -> tuple[int, list[EventContract]]:
        recorded = await self._store.read_stream(stream_id, conn=self.conn)
        return len(recorded), [event.decode(self._registry) for event in recorded]

    async def histories(self, *stream_ids: str) -> list[tuple[int, list[EventContract]]]:
        """`history` of several streams in one round trip, in the order asked."""
        found = await self._store.read_streams(stream_ids, conn=self.conn)
        return [
            (len(found[stream]), [event.decode(self._registry) for event in found[stream]])
            for stream in stream_ids
        ]

    async def record(
        self, stream_id: str, expected_version: int, events: Sequence[EventContract]
    ) -> list[Envelope]:
        envelopes = seal(stream_id, expected_version + 1, list(events), self.metadata)
        await self._store.append(stream_id, expected_version, envelopes, conn=self.conn)
        for envelope, event in zip(envelopes, events, strict=True):
            await self._projector(self.conn, envelope, event)
        self.recorded.extend(envelopes)
        return envelopes


UseCase = Callable[[UnitOfWork], Awaitable[Answer]]


class CommandRunner:
    def __init__(
        self,
        store: EventStore,
        registry: ContractRegistry,
        projector: Projector,
        tenant: str,
        now: Callable[[], datetime],
        *,
        attempts: int = 5,
    ) -> None:
        self._store = store
        self._registry = registry
        self._projector = projector
        self._tenant = tenant
        self._now = now
        self._attempts = attempts

    async def run(self, context: CommandContext, use_case: UseCase) -> Answer:
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._run_once(context, use_case)
            except (ConcurrencyError, asyncpg.UniqueViolationError):
                if attempt == self._attempts:
                    raise
                # Jitter, so writers that collided do not collide again in step.
                await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))
        raise AssertionError("unreachable")

    async def _run_once(self, context: CommandContext, use_case: UseCase) -> Answer:
        async with self._store.pool.acquire() as proxy, proxy.transaction():
            conn = cast(asyncpg.Connection, proxy)  # the proxy forwards every method
            key = context.idempotency_key
            if key is not None:
                # Serialise requests carrying the same key: the second waits for the first
                # to commit and then answers as it did, instead of deciding afresh.
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))",
                                   f"idempotency:{key}")
                previous = await conn.fetchrow(
                    "SELECT request_hash, status_code, response FROM idempotency_keys "
                    "WHERE idempotency_key = $1",
                    key,
                )
                if previous is not None:
                    if previous["request_hash"] != context.request_hash():
                        raise IdempotencyConflict(
                            f"Idempotency-Key {key!r} was already used for a different request"
                        )
                    return Answer(previous["status_code"], json.loads(previous["response"]))
            metadata = EventMetadata(
                tenant=self._tenant,
                service_area=context.service_area,
                actor=context.actor,
                occurred_at=self._now(),
                correlation_id=context.correlation_id,
                causation_id=context.command_id,
            )
            unit = UnitOfWork(conn, self._store, self._registry, self._projector, metadata)
            answer = await use_case(unit)
            if key is not None:
                await conn.execute(
                    """INSERT INTO idempotency_keys
                           (idempotency_key, command, request_hash, status_code, response)
                       VALUES ($1, $2, $3, $4, $5)""",
                    key,
                    context.name,
                    context.request_hash(),
                    answer.status_code,
                    canonical_json(answer.body),
                )
            return answer

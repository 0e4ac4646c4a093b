"""The ports the application kit works through. Adapters implement them: PostgreSQL in
`shared/postgres`, and an in-memory store in `shared/kit/memory.py` for the test harness
(both pass one contract suite)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope, RecordedEvent


class EventStore(Protocol):
    """Append-only streams. `append` refuses a stale `expected_version` with
    ConcurrencyError and writes nothing; `read_all` yields in commit order."""

    async def append(
        self, stream_id: str, expected_version: int, envelopes: Sequence[Envelope]
    ) -> Any: ...

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]: ...

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]: ...

    def read_all(self, batch_size: int = 500) -> AsyncIterator[list[RecordedEvent]]: ...


class StoreSession(Protocol):
    """The event store and the inline projections, inside one transaction."""

    async def read_streams(
        self, stream_ids: Sequence[str]
    ) -> Mapping[str, Sequence[RecordedEvent]]: ...

    async def append(
        self, stream_id: str, expected_version: int, envelopes: Sequence[Envelope]
    ) -> None: ...

    async def project(self, envelope: Envelope, event: EventContract) -> None: ...


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str
    result: Mapping[str, Any]


class Transaction(StoreSession, Protocol):
    """A StoreSession that also keeps the answers to idempotent commands."""

    async def hold_key(self, key: str) -> StoredAnswer | None:
        """Wait for any other transaction holding `key`, then return its stored answer."""
        ...

    async def remember(
        self, key: str, command: str, request_hash: str, result: Mapping[str, Any]
    ) -> None: ...


class Transactions(Protocol):
    """Begins transactions: everything done in one commits together or not at all."""

    def begin(self) -> AbstractAsyncContextManager[Transaction]: ...

"""An event store and transactions in memory, for the test harness and fast unit tests.

It keeps the PostgreSQL store's promises that a use case can observe (the same contract
suite runs over both, `tests/integration/test_event_store_contract.py`): versions are
contiguous, a stale expected version is refused and writes nothing, each stream reads
back in version order and the whole store in commit order. A transaction's appends are
held until it commits and checked again then, so two racing writers cannot both win.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope, RecordedEvent, check_envelopes
from shared.kernel.errors import ConcurrencyError
from shared.kit.ports import StoredAnswer


class MemoryEventStore:
    def __init__(self) -> None:
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._log: list[RecordedEvent] = []
        self._commits = 0

    async def append(
        self, stream_id: str, expected_version: int, envelopes: Sequence[Envelope]
    ) -> list[int]:
        return self.commit({stream_id: (expected_version, list(envelopes))})

    def commit(self, writes: Mapping[str, tuple[int, list[Envelope]]]) -> list[int]:
        """All of `writes` or none of them (no await inside: atomic on the event loop)."""
        for stream_id, (expected, envelopes) in writes.items():
            check_envelopes(stream_id, expected, envelopes)
            current = self.version(stream_id)
            if current != expected:
                raise ConcurrencyError(f"stream {stream_id} is at version {current}, "
                                       f"not {expected}")
        if not any(envelopes for _, envelopes in writes.values()):
            return []
        self._commits += 1
        positions = []
        for stream_id, (_, envelopes) in writes.items():
            for envelope in envelopes:
                recorded = RecordedEvent(envelope=envelope, text=envelope.canonical_json(),
                                         global_position=len(self._log) + 1, tx_id=self._commits)
                self._streams.setdefault(stream_id, []).append(recorded)
                self._log.append(recorded)
                positions.append(recorded.global_position)
        return positions

    def version(self, stream_id: str) -> int:
        return len(self._streams.get(stream_id, []))

    def __len__(self) -> int:
        return len(self._log)

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        return list(self._streams.get(stream_id, []))

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        return {stream: list(self._streams.get(stream, [])) for stream in stream_ids}

    async def read_all(self, batch_size: int = 500) -> AsyncIterator[list[RecordedEvent]]:
        for start in range(0, len(self._log), batch_size):
            yield self._log[start:start + batch_size]


class MemoryTransaction:
    def __init__(self, owner: MemoryTransactions) -> None:
        self._owner = owner
        self._writes: dict[str, tuple[int, list[Envelope]]] = {}
        self._projected: list[tuple[Envelope, EventContract]] = []
        self._answers: list[tuple[str, StoredAnswer]] = []
        self._held: list[asyncio.Lock] = []

    async def read_streams(
        self, stream_ids: Sequence[str]
    ) -> Mapping[str, Sequence[RecordedEvent]]:
        found = await self._owner.store.read_streams(stream_ids)
        for stream in stream_ids:
            for envelope in self._writes.get(stream, (0, []))[1]:
                found[stream].append(RecordedEvent(envelope, envelope.canonical_json(), 0, 0))
        return found

    async def append(
        self, stream_id: str, expected_version: int, envelopes: Sequence[Envelope]
    ) -> None:
        check_envelopes(stream_id, expected_version, envelopes)
        if stream_id in self._writes:
            first, pending = self._writes[stream_id]
            if first + len(pending) != expected_version:
                raise ConcurrencyError(f"stream {stream_id} moved on in this transaction")
            pending.extend(envelopes)
        else:
            self._writes[stream_id] = (expected_version, list(envelopes))

    async def project(self, envelope: Envelope, event: EventContract) -> None:
        self._projected.append((envelope, event))

    async def hold_key(self, key: str) -> StoredAnswer | None:
        lock = self._owner.key_locks.setdefault(key, asyncio.Lock())
        await lock.acquire()
        self._held.append(lock)
        return self._owner.answers.get(key)

    async def remember(self, key: str, command: str, request_hash: str,
                       result: Mapping[str, Any]) -> None:
        self._answers.append((key, StoredAnswer(request_hash, dict(result))))

    def commit(self) -> None:
        self._owner.store.commit(self._writes)
        self._owner.projected.extend(self._projected)
        self._owner.answers.update(self._answers)

    def release(self) -> None:
        for lock in self._held:
            lock.release()


class MemoryTransactions:
    """The Transactions port over a MemoryEventStore; `projected` lists what the inline
    projections were handed, in commit order."""

    def __init__(self, store: MemoryEventStore | None = None) -> None:
        self.store = store if store is not None else MemoryEventStore()
        self.projected: list[tuple[Envelope, EventContract]] = []
        self.answers: dict[str, StoredAnswer] = {}
        self.key_locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[MemoryTransaction]:
        transaction = MemoryTransaction(self)
        try:
            yield transaction
            transaction.commit()
        finally:
            transaction.release()

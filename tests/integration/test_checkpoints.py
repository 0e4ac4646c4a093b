"""Signed checkpoints against the real PostgreSQL store: what the hash chains alone miss
(a stream's last event deleted, an event rewritten with every hash recomputed, a stream
truncated, a checkpoint deleted) is reported, naming the stream and the checkpoint."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from shared.kernel.clock import SystemClock
from shared.postgres.chain import chain_hash
from shared.postgres.checkpoints import (
    AnchorReport,
    Checkpointer,
    CheckpointLog,
    log_path,
    verify_against_checkpoints,
)
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from shared.signing import SigningKey, ensure_key
from tests.integration.test_relay_and_consumer import append_with_retry
from tests.support import a_stream, notes


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "anchors" / "test.pem"
    assert ensure_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    return path


def checkpointer(store: EventStore, db: ServiceDatabase, key_file: Path) -> Checkpointer:
    return Checkpointer(store, "test", db.schema, "test-authority", SigningKey.load(key_file),
                        CheckpointLog(log_path(key_file, db.schema)), SystemClock())


async def verify(store: EventStore, db: ServiceDatabase, key_file: Path) -> AnchorReport:
    return await verify_against_checkpoints(store, db.schema,
                                            SigningKey.load(key_file).verifying,
                                            CheckpointLog(log_path(key_file, db.schema)))


@pytest.fixture
async def superuser(postgres_dsn: str, service_db: ServiceDatabase
                    ) -> AsyncIterator[asyncpg.Connection]:
    """Someone who can switch the append-only guard off: what verify is for."""
    conn = await asyncpg.connect(postgres_dsn)
    await conn.execute(f"SET search_path TO {service_db.schema}")
    await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
    try:
        yield conn
    finally:
        await conn.close()


async def test_a_checkpoint_covers_the_whole_store_and_the_next_only_what_moved(
    store: EventStore, service_db: ServiceDatabase, key_file: Path,
) -> None:
    streams = [a_stream() for _ in range(3)]
    for stream in streams:
        await store.append(stream, 0, notes(stream, 1, 4))
    taker = checkpointer(store, service_db, key_file)

    first = await taker.take()
    assert first is not None
    assert (first.sequence, first.events, first.streams) == (1, 12, 3)
    assert await taker.take() is None, "nothing new: no checkpoint"
    await store.append(streams[0], 4, notes(streams[0], 5, 2))
    second = await taker.take()
    assert second is not None
    # Two new events plus the first checkpoint's own event; the heads that moved only.
    assert (second.sequence, second.events, second.streams) == (2, 15, 4)
    assert {head.stream_id for head in second.heads} == {streams[0], taker.stream}
    assert second.previous == first.signature
    report = await verify(store, service_db, key_file)
    assert (report.breaks, report.checkpoints, report.latest_sequence) == ([], 2, 2)
    copies, _ = CheckpointLog(log_path(key_file, service_db.schema)).read()
    assert [c.sequence for c in copies] == [1, 2]


async def test_deleting_a_streams_last_event_is_reported_naming_stream_and_checkpoint(
    store: EventStore, service_db: ServiceDatabase, key_file: Path,
    superuser: asyncpg.Connection,
) -> None:
    victim, other = a_stream(), a_stream()
    await store.append(victim, 0, notes(victim, 1, 3))
    await store.append(other, 0, notes(other, 1, 2))
    await checkpointer(store, service_db, key_file).take()

    await superuser.execute("DELETE FROM events WHERE stream_id = $1 AND stream_version = 3",
                            victim)

    assert (await store.verify()).intact, "the hash chains alone cannot see this"
    report = await verify(store, service_db, key_file)
    assert [(b.stream_id, b.checkpoint) for b in report.breaks] == [(victim, 1), (None, 1)]
    assert "ends at version 2; checkpoint #1 signed version 3" in report.breaks[0].reason
    assert report.breaks[1].reason == "4 events lie up to checkpoint #1's point; it signed 5"


async def test_an_event_rewritten_with_every_hash_recomputed_is_reported(
    store: EventStore, service_db: ServiceDatabase, key_file: Path,
    superuser: asyncpg.Connection,
) -> None:
    victim = a_stream()
    await store.append(victim, 0, notes(victim, 1, 3))
    await checkpointer(store, service_db, key_file).take()

    rows = await superuser.fetch(
        "SELECT stream_version, envelope, hash FROM events WHERE stream_id = $1 "
        "ORDER BY stream_version", victim)
    previous = rows[0]["hash"]
    for row in rows[1:]:
        text = row["envelope"].replace("note 1", "note X")
        rehashed = chain_hash(previous, text)
        await superuser.execute(
            "UPDATE events SET envelope = $3, previous_hash = $4, hash = $5 "
            "WHERE stream_id = $1 AND stream_version = $2",
            victim, row["stream_version"], text, previous, rehashed)
        previous = rehashed

    assert (await store.verify()).intact, "every hash was recomputed: the chains agree"
    report = await verify(store, service_db, key_file)
    assert [(b.stream_id, b.checkpoint) for b in report.breaks] == [(victim, 1)]
    assert "version 3 does not hash to what checkpoint #1 signed" in report.breaks[0].reason


async def test_a_truncated_stream_is_reported(
    store: EventStore, service_db: ServiceDatabase, key_file: Path,
    superuser: asyncpg.Connection,
) -> None:
    victim, other = a_stream(), a_stream()
    await store.append(victim, 0, notes(victim, 1, 2))
    await store.append(other, 0, notes(other, 1, 1))
    taker = checkpointer(store, service_db, key_file)
    await taker.take()
    await store.append(other, 1, notes(other, 2, 1))
    await taker.take()

    await superuser.execute("DELETE FROM events WHERE stream_id = $1", victim)

    report = await verify(store, service_db, key_file)
    assert (victim, 1) in [(b.stream_id, b.checkpoint) for b in report.breaks]
    assert any("is gone; checkpoint #1 signed it at version 2" in b.reason
               for b in report.breaks)


async def test_a_checkpoint_deleted_from_the_store_is_caught_by_its_copy(
    store: EventStore, service_db: ServiceDatabase, key_file: Path,
    superuser: asyncpg.Connection,
) -> None:
    """Deleting the latest checkpoint with the events it signed would leave the store
    agreeing with the one before; the copy beside the key still says otherwise."""
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 2))
    taker = checkpointer(store, service_db, key_file)
    await taker.take()
    await store.append(stream, 2, notes(stream, 3, 1))
    await taker.take()

    await superuser.execute("DELETE FROM events WHERE stream_id = $1 AND stream_version = 3",
                            stream)
    await superuser.execute("DELETE FROM events WHERE stream_id = $1 AND stream_version = 2",
                            taker.stream)

    report = await verify(store, service_db, key_file)
    reasons = [b.reason for b in report.breaks]
    assert any("checkpoint #2" in r and "missing from the store: deleted" in r for r in reasons)
    assert (stream, 2) in [(b.stream_id, b.checkpoint) for b in report.breaks]


async def test_a_checkpoint_altered_or_signed_with_another_key_does_not_verify(
    store: EventStore, service_db: ServiceDatabase, key_file: Path, tmp_path: Path,
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 2))
    await checkpointer(store, service_db, key_file).take()
    copies = log_path(key_file, service_db.schema)
    copies.write_text(copies.read_text().replace('"events":2', '"events":1'))

    report = await verify(store, service_db, key_file)
    assert any("does not verify" in b.reason and str(copies) in b.reason
               for b in report.breaks)
    assert any("differs from its copy" in b.reason for b in report.breaks)

    other_key = tmp_path / "other.pem"
    ensure_key(other_key)
    report = await verify_against_checkpoints(
        store, service_db.schema, SigningKey.load(other_key).verifying,
        CheckpointLog(copies))
    assert any("in the store does not verify" in b.reason for b in report.breaks)


async def test_a_new_process_carries_on_the_sequence_and_restores_a_lost_copy(
    store: EventStore, service_db: ServiceDatabase, key_file: Path,
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 1))
    await checkpointer(store, service_db, key_file).take()
    await store.append(stream, 1, notes(stream, 2, 1))
    await checkpointer(store, service_db, key_file).take()
    copies = log_path(key_file, service_db.schema)
    # The process stopped between committing #2 and copying it.
    copies.write_text(copies.read_text().splitlines(keepends=True)[0])

    await store.append(stream, 2, notes(stream, 3, 1))
    third = await checkpointer(store, service_db, key_file).take()

    assert third is not None
    assert third.sequence == 3
    assert [c.sequence for c in CheckpointLog(copies).read()[0]] == [1, 2, 3]
    assert (await verify(store, service_db, key_file)).breaks == []


async def test_checkpoints_taken_among_busy_writers_never_raise_a_false_alarm(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, key_file: Path,
) -> None:
    """Including a transaction that holds a low position and commits after checkpoints
    were taken: it lies after them in commit order, so none of them is contradicted."""
    streams = [a_stream() for _ in range(6)]
    slow_stream = a_stream()
    taker = checkpointer(store, service_db, key_file)
    async with pool.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        await store.append(slow_stream, 0, notes(slow_stream, 1, 1), conn=slow)

        async def checkpoint_often() -> None:
            for _ in range(10):
                await taker.take()
                await asyncio.sleep(0.02)

        await asyncio.gather(checkpoint_often(),
                             *(append_with_retry(store, streams[i % 6], 5) for i in range(18)))
        await tx.commit()
    final = await taker.take()
    assert final is not None
    assert final.events == 18 * 5 + 1 + final.sequence - 1
    report = await verify(store, service_db, key_file)
    assert report.breaks == []
    assert report.latest_sequence == final.sequence

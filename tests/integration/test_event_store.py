from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from shared.kernel.errors import ConcurrencyError
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from tests.support import a_stream, notes


async def test_appended_events_read_back_in_stream_order(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 3))
    await store.append(stream, 3, notes(stream, 4, 2))

    events = await store.read_stream(stream)

    assert [e.envelope.stream_version for e in events] == [1, 2, 3, 4, 5]
    assert [e.envelope.payload["sequence"] for e in events] == [1, 2, 3, 4, 5]
    assert all(e.envelope.actor.kind == "person" for e in events)


async def test_stale_expected_version_is_refused_and_nothing_is_written(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 2))

    with pytest.raises(ConcurrencyError):
        await store.append(stream, 1, notes(stream, 2, 2))
    with pytest.raises(ConcurrencyError):
        await store.append(stream, 0, notes(stream, 1, 1))
    with pytest.raises(ConcurrencyError):  # ahead of the stream: would leave a gap
        await store.append(stream, 5, notes(stream, 6, 1))

    assert await store.stream_version(stream) == 2


async def test_two_writers_racing_on_one_version_one_wins(store: EventStore) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 1))
    results = await asyncio.gather(
        store.append(stream, 1, notes(stream, 2, 1, "left")),
        store.append(stream, 1, notes(stream, 2, 1, "right")),
        return_exceptions=True,
    )
    assert sum(isinstance(r, ConcurrencyError) for r in results) == 1
    assert await store.stream_version(stream) == 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET event_type = 'Forged'",
        "DELETE FROM events",
        "TRUNCATE events",
        "ALTER TABLE events DISABLE TRIGGER events_append_only",
        "DROP TRIGGER events_append_only ON events",
    ],
)
async def test_service_role_cannot_change_or_unguard_history(
    store: EventStore, pool: asyncpg.Pool, statement: str
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 1))
    with pytest.raises(asyncpg.PostgresError):
        await pool.execute(statement)
    assert await store.stream_version(stream) == 1


async def test_even_the_owner_is_stopped_by_the_guard(
    store: EventStore, postgres_dsn: str, service_db: ServiceDatabase
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 1))
    conn = await asyncpg.connect(postgres_dsn)
    try:
        await conn.execute(f"SET ROLE {service_db.owner_role}")
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await conn.execute(f"DELETE FROM {service_db.schema}.events")
    finally:
        await conn.close()


async def test_verify_reports_the_event_whose_text_was_altered(
    store: EventStore, postgres_dsn: str, service_db: ServiceDatabase
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 3))
    assert (await store.verify()).intact
    victim = (await store.read_stream(stream))[1]

    # Tampering needs a superuser who first disables the guard: exactly what verify is for.
    conn = await asyncpg.connect(postgres_dsn)
    try:
        events = f"{service_db.schema}.events"
        await conn.execute(f"ALTER TABLE {events} DISABLE TRIGGER events_append_only")
        await conn.execute(
            f"UPDATE {events} SET envelope = replace(envelope, 'note 1', 'note X') "
            "WHERE event_id = $1",
            victim.envelope.event_id,
        )
    finally:
        await conn.close()

    report = await store.verify()
    assert not report.intact
    assert [b.event_id for b in report.breaks] == [str(victim.envelope.event_id)]
    assert "altered" in report.breaks[0].reason


async def test_as_at_read_sees_only_what_had_committed_by_then(store: EventStore) -> None:
    early, late = a_stream(), a_stream()
    await store.append(early, 0, notes(early, 1, 2))
    await asyncio.sleep(0.05)
    cut = datetime.now(tz=UTC)
    await asyncio.sleep(0.05)
    await store.append(late, 0, notes(late, 1, 1))

    then = [e async for batch in store.read_as_at(cut) for e in batch]
    now = [e async for batch in store.read_all() for e in batch]

    assert {e.envelope.stream_id for e in then} == {early}
    assert len(now) == 3


async def test_as_at_uses_commit_time_not_start_time(
    store: EventStore, pool: asyncpg.Pool
) -> None:
    stream = a_stream()
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await store.append(stream, 0, notes(stream, 1, 1), conn=conn)
        await asyncio.sleep(0.05)
        before_commit = datetime.now(tz=UTC)
        await asyncio.sleep(0.05)
        await tx.commit()

    seen = [e async for batch in store.read_as_at(before_commit) for e in batch]
    assert seen == []


async def test_several_streams_read_in_one_go_keep_their_own_order(store: EventStore) -> None:
    first, second, empty = a_stream(), a_stream(), a_stream()
    await store.append(first, 0, notes(first, 1, 3))
    await store.append(second, 0, notes(second, 1, 2))

    found = await store.read_streams([second, empty, first])

    assert list(found) == [second, empty, first]
    assert [e.envelope.stream_version for e in found[first]] == [1, 2, 3]
    assert [e.envelope.stream_version for e in found[second]] == [1, 2]
    assert found[empty] == []

"""What only the PostgreSQL store promises: the append-only guard and roles, hash chains,
as-at reads by commit time. (What every store promises: test_event_store_contract.py.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from tests.support import a_stream, notes


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


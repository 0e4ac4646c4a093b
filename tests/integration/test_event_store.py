"""What only the PostgreSQL store promises: the append-only guard and roles, hash chains,
as-at reads by commit time. (What every store promises: test_event_store_contract.py.)"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from shared.kernel.envelope import Envelope
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



_RAW_INSERT = """INSERT INTO {events} (event_id, stream_id, stream_version, event_type,
                    schema_version, occurred_at, correlation_id, envelope, previous_hash,
                    hash{position})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', ''{value})"""


def _raw_insert(events: str, envelope: Envelope, *, position: int | None = None,
                columns: dict[str, object] | None = None) -> tuple[str, list[object]]:
    values: dict[str, object] = {
        "event_id": envelope.event_id, "stream_id": envelope.stream_id,
        "stream_version": envelope.stream_version, "event_type": envelope.event_type,
        "schema_version": envelope.schema_version, "occurred_at": envelope.occurred_at,
        "correlation_id": envelope.correlation_id, "envelope": envelope.canonical_json(),
    }
    values.update(columns or {})
    chosen = position is not None
    sql = _RAW_INSERT.format(events=events, position=", global_position" if chosen else "",
                             value=", $9" if chosen else "")
    return sql, [*values.values(), *([] if position is None else [position])]


@pytest.mark.parametrize("overriding", ["", "OVERRIDING SYSTEM VALUE"])
async def test_the_service_role_cannot_choose_a_position(
    store: EventStore, pool: asyncpg.Pool, overriding: str
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 1))
    head = await pool.fetchval("SELECT max(global_position) FROM events")
    forged = notes(stream, 2, 1)[0]
    sql, args = _raw_insert("events", forged, position=head + 1000)
    sql = sql.replace(") VALUES", f") {overriding} VALUES") if overriding else sql
    with pytest.raises(asyncpg.PostgresError, match="assigned by the store"):
        await pool.execute(sql, *args)
    assert await store.stream_version(stream) == 1
    # The store itself still appends, at the next position it hands out.
    assert await store.append(stream, 1, [forged]) > [head]


async def test_even_the_owner_cannot_choose_a_position(
    store: EventStore, postgres_dsn: str, service_db: ServiceDatabase
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 1))
    conn = await asyncpg.connect(postgres_dsn)
    try:
        await conn.execute(f"SET ROLE {service_db.owner_role}")
        sql, args = _raw_insert(f"{service_db.schema}.events", notes(stream, 2, 1)[0],
                                position=1)
        with pytest.raises(asyncpg.PostgresError, match="assigned by the store"):
            await conn.execute(sql, *args)
    finally:
        await conn.close()
    assert await store.stream_version(stream) == 1


def _disagreeing(envelope: Envelope) -> dict[str, dict[str, object]]:
    """For each indexed column, a value the envelope text does not state."""
    return {
        "event_id": {"event_id": uuid.uuid4()},
        "stream_id": {"stream_id": a_stream()},
        "stream_version": {"stream_version": envelope.stream_version + 1},
        "event_type": {"event_type": "SomethingElse"},
        "schema_version": {"schema_version": envelope.schema_version + 1},
        "occurred_at": {"occurred_at": envelope.occurred_at - timedelta(days=1)},
        "correlation_id": {"correlation_id": uuid.uuid4()},
    }


@pytest.mark.parametrize("column", ["event_id", "stream_id", "stream_version", "event_type",
                                    "schema_version", "occurred_at", "correlation_id"])
async def test_an_envelope_that_disagrees_with_its_columns_is_refused(
    store: EventStore, pool: asyncpg.Pool, column: str
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 1))
    envelope = notes(stream, 2, 1)[0]
    if column == "stream_version":
        # Version 3 after version 1 is refused for its gap anyway; state 3 in the text and
        # 2 in the column instead, so only the disagreement can explain the refusal.
        envelope = envelope.model_copy(update={"stream_version": 3})
        changed: dict[str, object] = {"stream_version": 2}
    else:
        changed = _disagreeing(envelope)[column]
    sql, args = _raw_insert("events", envelope, columns=changed)
    with pytest.raises(asyncpg.PostgresError, match="disagrees with its indexed columns"):
        await pool.execute(sql, *args)
    assert await store.stream_version(stream) == 1
    # The same event, stated alike in text and columns, is taken.
    sql, args = _raw_insert("events", notes(stream, 2, 1)[0])
    await pool.execute(sql, *args)
    assert await store.stream_version(stream) == 2


async def test_verify_reports_a_column_changed_behind_the_envelope(
    store: EventStore, postgres_dsn: str, service_db: ServiceDatabase
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 2))
    victim = (await store.read_stream(stream))[0]
    conn = await asyncpg.connect(postgres_dsn)
    try:
        events = f"{service_db.schema}.events"
        await conn.execute(f"ALTER TABLE {events} DISABLE TRIGGER events_append_only")
        await conn.execute(f"UPDATE {events} SET event_type = 'Forged' WHERE event_id = $1",
                           victim.envelope.event_id)
    finally:
        await conn.close()
    report = await store.verify()
    assert [(b.event_id, b.reason) for b in report.breaks] == [
        (str(victim.envelope.event_id), "indexed columns disagree with the stored envelope")]

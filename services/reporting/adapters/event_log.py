"""The event log and the records folded from it, in PostgreSQL.

Writing (`FACTS`, the subscription's projection): each event is logged once (by event id,
whatever the inbox already did) and its subject folded afresh from every logged event of
that subject, into each slot that is live or being built. Two consumers folding the same
subject at once (two replicas, two topics) would each miss the other's uncommitted event,
so a fold holds the subject's advisory lock and reads the log after taking it: the second
waits, then sees the first's event. A rebuild takes the same locks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import asyncpg
from pydantic import TypeAdapter

from services.reporting.domain.facts import KEPT, Fact, subject_of
from services.reporting.domain.records import AnyRecord, fold
from shared.events import REGISTRY
from shared.kernel.actor import describe
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection

FACTS: Projection[asyncpg.Connection] = Projection("reporting-facts")
RECORD = TypeAdapter(AnyRecord)
SLOT_TABLES = {"a": "records_a", "b": "records_b"}
LOG_COLUMNS = "subject, service_area, occurred_at, stream_id, stream_version, event_id, envelope"


async def record_fact(conn: asyncpg.Connection, event: EventContract,
                      envelope: Envelope) -> None:
    subject = subject_of(event, envelope.service_area)
    logged = await conn.fetchval(
        """INSERT INTO event_log (event_id, subject, service_area, event_type, schema_version,
                                  stream_id, stream_version, occurred_at, envelope)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (event_id) DO NOTHING RETURNING seq""",
        envelope.event_id, subject, envelope.service_area, envelope.event_type,
        envelope.schema_version, envelope.stream_id, envelope.stream_version,
        envelope.occurred_at, envelope.canonical_json())
    if logged is not None:
        await refold(conn, [subject])


for _contract in KEPT:
    FACTS.on(_contract)(record_fact)


def fact_of(row: asyncpg.Record) -> Fact:
    envelope = Envelope.from_json(row["envelope"])
    event = REGISTRY.decode(envelope.event_type, envelope.schema_version, envelope.payload)
    return Fact(subject=row["subject"], service_area=row["service_area"],
                occurred_at=row["occurred_at"], stream_id=row["stream_id"],
                stream_version=row["stream_version"], event=event,
                event_id=str(row["event_id"]), actor=describe(envelope.actor))


def folded(subjects: Iterable[str], facts: Sequence[Fact]) -> list[tuple[AnyRecord, int]]:
    by_subject: dict[str, list[Fact]] = {}
    for fact in facts:
        by_subject.setdefault(fact.subject, []).append(fact)
    found = []
    for subject in subjects:
        mine = by_subject.get(subject, [])
        record = fold(subject, mine)
        if record is not None:
            found.append((record, len(mine)))
    return found


async def lock_subjects(conn: asyncpg.Connection, subjects: Sequence[str]) -> None:
    # Always in the same order, so two folders of overlapping subjects cannot deadlock.
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(s, 20261)) "
        "FROM unnest($1::text[]) AS s ORDER BY s", sorted(set(subjects)))


async def write_records(conn: asyncpg.Connection, table: str,
                        records: Sequence[tuple[AnyRecord, int]]) -> None:
    if not records:
        return
    await conn.execute(
        f"""INSERT INTO {table} (subject, kind, service_area, month, facts, record)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],
                                 $6::jsonb[])
            ON CONFLICT (subject) DO UPDATE SET kind = EXCLUDED.kind,
                service_area = EXCLUDED.service_area, month = EXCLUDED.month,
                facts = EXCLUDED.facts, record = EXCLUDED.record""",
        [r.subject for r, _ in records], [r.kind for r, _ in records],
        [r.service_area for r, _ in records], [r.month for r, _ in records],
        [n for _, n in records], [r.model_dump_json() for r, _ in records])


async def refold(conn: asyncpg.Connection, subjects: Sequence[str],
                 slots: Sequence[str] | None = None) -> int:
    """Fold `subjects` afresh from the log into `slots` (default: every slot live or being
    built). Returns how many logged events were folded."""
    kept = list(subjects)
    if not kept:
        return 0
    await lock_subjects(conn, kept)
    if slots is None:
        slots = [row["slot"] for row in await conn.fetch(
            "SELECT slot FROM read_model_slots WHERE state IN ('live', 'building')")]
    rows = await conn.fetch(
        f"SELECT {LOG_COLUMNS} FROM event_log WHERE subject = ANY($1::text[])", kept)
    records = folded(kept, [fact_of(row) for row in rows])
    for slot in slots:
        await write_records(conn, SLOT_TABLES[slot], records)
    return len(rows)


async def live_table(conn: asyncpg.Connection) -> tuple[str, int]:
    row = await conn.fetchrow(
        "SELECT slot, version FROM read_model_slots WHERE state = 'live'")
    assert row is not None, "0102 makes slot a live, and a swap always leaves one live"
    return SLOT_TABLES[row["slot"]], int(row["version"])


def parse_record(text: str) -> AnyRecord:
    return RECORD.validate_json(text)


async def logged_facts(conn: asyncpg.Connection, areas: Sequence[str],
                       recorded_by: datetime) -> list[Fact]:
    rows = await conn.fetch(
        f"""SELECT {LOG_COLUMNS} FROM event_log
             WHERE service_area = ANY($1::text[]) AND occurred_at <= $2
             ORDER BY seq""", list(areas), recorded_by)
    return [fact_of(row) for row in rows]


def loads(text: str) -> dict[str, object]:
    value: dict[str, object] = json.loads(text)
    return value

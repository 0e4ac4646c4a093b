"""The append-only PostgreSQL event store of one service.

Commit order. Positions come from a sequence, so a transaction holding a low position
can commit after one holding a higher position; reading by position alone would skip
it. Every row therefore records its transaction id (xid8), and readers that must not
miss anything (the relay, replays, as-at reads) take rows in (tx_id, global_position)
order and only below the horizon `pg_snapshot_xmin(pg_current_snapshot())`: every
transaction older than that has finished, so nothing can appear behind the reader.
The insert trigger refuses a stream version written by a transaction older than the
one that wrote the previous version, so that order also keeps each stream in version
order. This is the approach of Emmett and watermill-sql; a table lock would serialise
all writers instead.

(Some 240 lines: appends and every read in commit order stay together because they rest
on the same invariants. The hash chains are `chain.py`.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from shared.kernel.envelope import Envelope, RecordedEvent, check_envelopes
from shared.kernel.errors import ConcurrencyError
from shared.postgres.chain import VerificationReport, verify_chains

# A plain connection or one borrowed from a pool: both run the same queries.
Conn = asyncpg.Connection | PoolConnectionProxy

_COLUMNS = "global_position, tx_id::text::bigint AS tx_id, envelope"
_HORIZON = "tx_id < pg_snapshot_xmin(pg_current_snapshot())"


@dataclass(frozen=True, order=True)
class CommitPoint:
    """A place in the store's commit order; (0, 0) is before the first event."""

    tx_id: int = 0
    global_position: int = 0


def _recorded(row: asyncpg.Record) -> RecordedEvent:
    return RecordedEvent(
        envelope=Envelope.from_json(row["envelope"]),
        text=row["envelope"],
        global_position=row["global_position"],
        tx_id=row["tx_id"],
    )


_COLUMN_LIST = """event_id, stream_id, stream_version, event_type, schema_version,
                   occurred_at, correlation_id, envelope, previous_hash, hash"""

# The common case, one event, as plain parameters: cheaper to encode and to plan than
# arrays. previous_hash and hash are filled in by the chaining trigger.
_INSERT_ONE = f"""
    INSERT INTO events ({_COLUMN_LIST})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '')
    RETURNING global_position"""

_INSERT_MANY = f"""
    INSERT INTO events ({_COLUMN_LIST})
    SELECT e.event_id, e.stream_id, e.stream_version, e.event_type, e.schema_version,
           e.occurred_at, e.correlation_id, e.envelope, '', ''
      FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[],
                  $6::timestamptz[], $7::uuid[], $8::text[])
           WITH ORDINALITY AS e(event_id, stream_id, stream_version, event_type,
                                schema_version, occurred_at, correlation_id, envelope, ordinal)
     ORDER BY e.ordinal
    RETURNING global_position"""


def _insert(envelopes: Sequence[Envelope]) -> tuple[str, tuple[object, ...]]:
    if len(envelopes) == 1:
        e = envelopes[0]
        return _INSERT_ONE, (e.event_id, e.stream_id, e.stream_version, e.event_type,
                             e.schema_version, e.occurred_at, e.correlation_id,
                             e.canonical_json())
    return _INSERT_MANY, (
        [e.event_id for e in envelopes],
        [e.stream_id for e in envelopes],
        [e.stream_version for e in envelopes],
        [e.event_type for e in envelopes],
        [e.schema_version for e in envelopes],
        [e.occurred_at for e in envelopes],
        [e.correlation_id for e in envelopes],
        [e.canonical_json() for e in envelopes],
    )


class EventStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        envelopes: Sequence[Envelope],
        *,
        conn: Conn | None = None,
    ) -> list[int]:
        """Append atomically in one round trip; returns the global positions.

        Pass `conn` to append inside a transaction the caller already holds (a consumer
        recording its inbox entry and its new events together).
        """
        if not envelopes:
            return []
        check_envelopes(stream_id, expected_version, envelopes)
        sql, args = _insert(envelopes)
        try:
            if conn is not None:
                rows = await conn.fetch(sql, *args)
            else:
                async with self._pool.acquire() as own:
                    rows = await own.fetch(sql, *args)
        except asyncpg.UniqueViolationError as error:
            if "stream_version" in (error.constraint_name or ""):
                raise ConcurrencyError(
                    f"stream {stream_id} is past version {expected_version}"
                ) from error
            raise
        except asyncpg.PostgresError as error:
            if getattr(error, "sqlstate", None) == "QA001":
                raise ConcurrencyError(str(error)) from error
            raise
        return sorted(row["global_position"] for row in rows)

    async def read_stream(
        self, stream_id: str, *, conn: Conn | None = None
    ) -> list[RecordedEvent]:
        sql = f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version"
        if conn is not None:
            rows = await conn.fetch(sql, stream_id)
        else:
            rows = await self._pool.fetch(sql, stream_id)
        return [_recorded(row) for row in rows]

    async def read_streams(
        self, stream_ids: Sequence[str], *, conn: Conn | None = None
    ) -> dict[str, list[RecordedEvent]]:
        """Several streams in one round trip; a stream with no events maps to []."""
        sql = f"""SELECT {_COLUMNS}, stream_id FROM events WHERE stream_id = ANY($1::text[])
                   ORDER BY stream_id, stream_version"""
        executor = conn if conn is not None else self._pool
        found: dict[str, list[RecordedEvent]] = {stream: [] for stream in stream_ids}
        for row in await executor.fetch(sql, list(stream_ids)):
            found[row["stream_id"]].append(_recorded(row))
        return found

    async def stream_version(
        self, stream_id: str, *, conn: Conn | None = None
    ) -> int:
        sql = "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1"
        executor = conn if conn is not None else self._pool
        return int(await executor.fetchval(sql, stream_id))

    async def read_committed(self, after: CommitPoint, limit: int = 500) -> list[RecordedEvent]:
        """The next events in commit order after `after`; only events that can no longer
        be overtaken by a transaction still in flight."""
        rows = await self._pool.fetch(
            f"""SELECT {_COLUMNS} FROM events
                 WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint) AND {_HORIZON}
                 ORDER BY tx_id, global_position LIMIT $3""",
            str(after.tx_id),
            after.global_position,
            limit,
        )
        return [_recorded(row) for row in rows]

    async def read_all(self, batch_size: int = 500) -> AsyncIterator[list[RecordedEvent]]:
        """Everything committed so far, in commit order, in batches."""
        point = CommitPoint()
        while batch := await self.read_committed(point, batch_size):
            yield batch
            point = CommitPoint(batch[-1].tx_id, batch[-1].global_position)

    async def read_as_at(
        self, at: datetime, batch_size: int = 500
    ) -> AsyncIterator[list[RecordedEvent]]:
        """Everything whose transaction had committed by `at` (PostgreSQL's own commit
        timestamp, not when the transaction started), in commit order."""
        if at.tzinfo is None:
            raise ValueError("as-at reads need a timezone-aware instant")
        if await self._pool.fetchval("SHOW track_commit_timestamp") != "on":
            raise RuntimeError(
                "as-at reads need track_commit_timestamp = on in postgresql.conf "
                "(the embedded server sets it; see README)"
            )
        unknown = await self._pool.fetchval(
            f"""SELECT count(*) FROM events
                 WHERE {_HORIZON} AND pg_xact_commit_timestamp(xid(tx_id)) IS NULL"""
        )
        if unknown:
            # Silently leaving them out would make inspection evidence incomplete.
            raise RuntimeError(
                f"{unknown} events have no known commit time (written before "
                "track_commit_timestamp was on, or older than PostgreSQL keeps it): "
                "an as-at read would be incomplete"
            )
        point = CommitPoint()
        while True:
            rows = await self._pool.fetch(
                f"""SELECT {_COLUMNS} FROM events
                     WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint)
                       AND {_HORIZON}
                       AND pg_xact_commit_timestamp(xid(tx_id)) <= $3
                     ORDER BY tx_id, global_position LIMIT $4""",
                str(point.tx_id),
                point.global_position,
                at,
                batch_size,
            )
            if not rows:
                return
            batch = [_recorded(row) for row in rows]
            yield batch
            point = CommitPoint(batch[-1].tx_id, batch[-1].global_position)

    async def count_up_to(
        self, point: CommitPoint, event_types: Collection[str] | None = None
    ) -> int:
        """Events up to `point` in commit order (of the given types, if any are given)."""
        return int(
            await self._pool.fetchval(
                """SELECT count(*) FROM events
                    WHERE (tx_id, global_position) <= ($1::text::xid8, $2)
                      AND ($3::text[] IS NULL OR event_type = ANY($3::text[]))""",
                str(point.tx_id),
                point.global_position,
                None if event_types is None else sorted(event_types),
            )
        )

    async def verify(self) -> VerificationReport:
        """Recompute every stream's hash chain from the stored text; name each break."""
        return await verify_chains(self._pool)

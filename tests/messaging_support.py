"""Running relays and consumers inside a test, against the real servers."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

from shared.kernel.contracts import EventContract
from shared.messaging.consumer import EventConsumer
from shared.messaging.faststream_wiring import attach, kafka_broker
from shared.messaging.inbox import Delivery, Handler
from shared.messaging.kafka import ensure_topics
from shared.messaging.relay import OutboxRelay
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from shared.settings import KafkaSettings
from tests.support import REGISTRY, NoteRecorded, a_stream, notes


async def create_effects_table(admin_dsn: str, db: ServiceDatabase) -> None:
    """A table standing for a consumer's state: one row per effect, in arrival order."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f"SET ROLE {db.owner_role}")
        await conn.execute(
            f"""CREATE TABLE {db.schema}.effects (
                    seq bigint GENERATED ALWAYS AS IDENTITY,
                    event_id uuid NOT NULL,
                    stream_id text NOT NULL,
                    stream_version int NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT clock_timestamp())"""
        )
        await conn.execute(f"GRANT SELECT, INSERT ON {db.schema}.effects TO {db.app_role}")
    finally:
        await conn.close()


async def record_effect(delivery: Delivery) -> None:
    envelope = delivery.envelope
    await delivery.conn.execute(
        "INSERT INTO effects (event_id, stream_id, stream_version) VALUES ($1, $2, $3)",
        envelope.event_id, envelope.stream_id, envelope.stream_version,
    )


async def effects_count(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM effects"))


async def has_effects(pool: asyncpg.Pool, expected: int) -> bool:
    return await effects_count(pool) >= expected


async def assert_each_once_in_stream_order(pool: asyncpg.Pool, expected: int) -> None:
    rows = await pool.fetch("SELECT event_id, stream_id, stream_version FROM effects ORDER BY seq")
    assert len(rows) == expected
    assert len({r["event_id"] for r in rows}) == expected, "an event took effect twice"
    versions: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        versions[row["stream_id"]].append(row["stream_version"])
    for stream, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), f"{stream} applied out of order: {seen}"


class StoreWriters:
    """Concurrent writers appending to the event store at a steady pace, as a service's
    commands would, while a test breaks something underneath. Each writer keeps streams
    of its own, so every append succeeds first time and the rate stays steady; the wall
    clock time of each commit is kept (the effects table's `applied_at` is on the same
    clock)."""

    def __init__(self, store: EventStore, *, writers: int = 4, streams_each: int = 2,
                 interval: float = 0.16) -> None:
        # Defaults: some 50 events/s, a busy authority's day compressed, which two shared
        # cores carry with room to catch up after a fault.
        self.store, self.interval = store, interval
        self.streams = [[a_stream() for _ in range(streams_each)] for _ in range(writers)]
        self.appended: dict[uuid.UUID, float] = {}
        self.stream_of: dict[uuid.UUID, str] = {}
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> StoreWriters:
        self._tasks = [asyncio.create_task(self._write(own)) for own in self.streams]
        return self

    async def __aexit__(self, *_: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _write(self, own: list[str]) -> None:
        versions = dict.fromkeys(own, 0)
        while not self._stop.is_set():
            for stream in own:
                [event] = notes(stream, versions[stream] + 1, 1)
                await self.store.append(stream, versions[stream], [event])
                versions[stream] += 1
                self.appended[event.event_id] = time.time()
                self.stream_of[event.event_id] = stream
            await asyncio.sleep(self.interval)

    def __len__(self) -> int:
        return len(self.appended)


@dataclass(frozen=True)
class CheckpointReading:
    at: float
    tx_id: int
    global_position: int
    published: int


class CheckpointWatch:
    """Reads a relay's checkpoint row every 20 ms (a plain SELECT: `OutboxRelay.checkpoint`
    upserts), so a test can tell whether it ever went back and how long it stood still."""

    def __init__(self, pool: asyncpg.Pool, relay: str = "kafka") -> None:
        self.pool, self.relay = pool, relay
        self.readings: list[CheckpointReading] = []
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> CheckpointWatch:
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._read()

    async def _read(self) -> None:
        row = await self.pool.fetchrow(
            """SELECT tx_id::text::bigint AS tx_id, global_position, published
               FROM relay_checkpoints WHERE relay = $1""", self.relay)
        if row is not None:
            self.readings.append(CheckpointReading(
                time.time(), row["tx_id"], row["global_position"], row["published"]))

    async def _watch(self) -> None:
        while True:
            await self._read()
            await asyncio.sleep(0.02)

    def rewinds(self) -> list[tuple[CheckpointReading, CheckpointReading]]:
        """Each reading that was behind the one before it."""
        return [(a, b) for a, b in pairwise(self.readings)
                if (b.tx_id, b.global_position) < (a.tx_id, a.global_position)
                or b.published < a.published]

    def longest_standstill(self, since: float) -> float:
        """The longest time after `since` during which the checkpoint did not move."""
        moved = [r.at for a, r in pairwise(self.readings)
                 if r.at >= since and r.published != a.published]
        return max((b - a for a, b in pairwise([since, *moved])), default=0.0)

    @property
    def published(self) -> int:
        return self.readings[-1].published if self.readings else 0


@contextlib.asynccontextmanager
async def running_relay(
    store: EventStore, db: ServiceDatabase, topic: str, kafka: KafkaSettings
) -> AsyncIterator[OutboxRelay]:
    relay = OutboxRelay(store, db.app_dsn, db.schema, topic, kafka, poll_interval=0.5)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(relay.active.wait(), 30)
        yield relay
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def running_consumer(
    pool: asyncpg.Pool,
    topics: list[str],
    kafka: KafkaSettings,
    *,
    name: str,
    dead_letter_topic: str,
    handler: Handler = record_effect,
    handles: tuple[type[EventContract], ...] = (NoteRecorded,),
    tenant: str | None = None,
) -> AsyncIterator[EventConsumer]:
    consumer = EventConsumer(
        name, topics, {t: handler for t in handles}, REGISTRY, pool, dead_letter_topic,
        max_backoff=0.5, tenant=tenant,
    )
    # As a service does at start: a Kafka that does not create topics on first use
    # (Apache Kafka as the tests run it) would otherwise stall the first dead letter.
    await ensure_topics(kafka, [dead_letter_topic])
    broker = kafka_broker(kafka)
    attach(broker, consumer, kafka)
    await broker.start()
    try:
        yield consumer
    finally:
        await broker.stop()


@contextlib.asynccontextmanager
async def running_pipeline(
    store: EventStore, db: ServiceDatabase, pool: asyncpg.Pool, topic: str,
    kafka: KafkaSettings, *, handler: Handler = record_effect, tenant: str | None = None,
) -> AsyncIterator[EventConsumer]:
    """Store -> relay -> topic -> a fresh consumer group, dead letters on `<topic>.dlt`."""
    async with (
        running_relay(store, db, topic, kafka),
        running_consumer(pool, [topic], kafka, name=f"c_{uuid.uuid4().hex[:10]}",
                         dead_letter_topic=topic + ".dlt", handler=handler,
                         tenant=tenant) as consumer,
    ):
        yield consumer


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 30.0, interval: float = 0.05
) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


async def read_topic(
    kafka: KafkaSettings, topic: str, expected: int, timeout: float = 20
) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap_servers, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    # By position: a consumer without a group that sees the topic's partitions change
    # (a topic still being created) resets to the earliest offset and fetches some records
    # again; that is this reader repeating itself, not a record on the topic twice.
    found: dict[tuple[int, int], Any] = {}
    try:
        deadline = time.monotonic() + timeout
        while len(found) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                found.update(((r.partition, r.offset), r) for r in records)
    finally:
        await consumer.stop()
    return list(found.values())


def report(capsys: Any, line: str, tag: str = "apache-kafka") -> None:
    """Timings belong in the test run's output, not only in a captured buffer."""
    with capsys.disabled():
        print(f"\n    [{tag}] {line}", flush=True)


async def applied_at(pool: asyncpg.Pool) -> dict[uuid.UUID, float]:
    """When each event took effect (wall clock, as StoreWriters.appended)."""
    rows = await pool.fetch("SELECT event_id, extract(epoch FROM applied_at) AS at FROM effects")
    return {row["event_id"]: float(row["at"]) for row in rows}


def resumed_after(effects: dict[uuid.UUID, float], instant: float) -> float:
    """Seconds from `instant` until the next event took effect: work flowing again."""
    later = [at for at in effects.values() if at > instant]
    assert later, "nothing took effect after the fault"
    return min(later) - instant


def caught_up_after(writers: StoreWriters, effects: dict[uuid.UUID, float],
                    instant: float) -> float:
    """Seconds from `instant` until every event appended before it had taken effect."""
    return max(effects[event] for event, at in writers.appended.items() if at <= instant) - instant


def first_effect_after(writers: StoreWriters, effects: dict[uuid.UUID, float], instant: float,
                       streams: set[str] | None = None) -> float:
    """Seconds from `instant` until an event appended after it (on `streams`, if given)
    took effect: new work carried end to end again."""
    later = [effects[event] for event, at in writers.appended.items()
             if at > instant and event in effects
             and (streams is None or writers.stream_of[event] in streams)]
    assert later, "no event appended after the fault took effect"
    return min(later) - instant


def longest_gap(times: list[float], since: float) -> float:
    """The longest time after `since` with nothing among `times` (sorted or not)."""
    after = sorted(t for t in times if t > since)
    return max((b - a for a, b in pairwise([since, *after])), default=0.0)


def best_rate(times: list[float]) -> float:
    """The most of `times` falling in any one second: the rate something was done at."""
    ordered, best, first = sorted(times), 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] > 1.0:
            first += 1
        best = max(best, last - first + 1)
    return float(best)

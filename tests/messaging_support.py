"""Running relays and consumers inside a test, against the real servers."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
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
from tests.support import REGISTRY, NoteRecorded


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
                    stream_version int NOT NULL)"""
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
    found: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                found.extend(records)
    finally:
        await consumer.stop()
    return found

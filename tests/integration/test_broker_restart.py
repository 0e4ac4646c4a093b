"""A broker restarted while relays and consumers keep running: the bundled broker comes back
empty and nothing may be lost; Apache Kafka comes back with its log and nothing may be
published again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from shared.infra.embedded_broker import EmbeddedBroker
from shared.messaging.consumer import EventConsumer
from shared.messaging.inbox import Delivery
from shared.messaging.kafka import ensure_topics, producer
from shared.messaging.relay import OutboxRelay
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from shared.settings import KafkaSettings
from tests.conftest import unique
from tests.integration.test_relay_and_consumer import append_with_retry
from tests.messaging_support import (
    assert_each_once_in_stream_order,
    effects_count,
    eventually,
    has_effects,
    record_effect,
    running_consumer,
    running_relay,
)
from tests.support import a_stream, notes


@pytest.fixture
def bundled() -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker()
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def settings_for(broker: EmbeddedBroker) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=broker.bootstrap_servers, idempotent_producer=False)


async def slowly(delivery: Delivery) -> None:
    """A consumer that lags behind the relay, so the broker holds what it has not read."""
    await asyncio.sleep(0.03)
    await record_effect(delivery)


@contextlib.asynccontextmanager
async def pipeline(store: EventStore, db: ServiceDatabase, pool: asyncpg.Pool, topic: str,
                   kafka: KafkaSettings) -> AsyncIterator[tuple[OutboxRelay, EventConsumer]]:
    async with (
        running_relay(store, db, topic, kafka) as relay,
        running_consumer(pool, [topic], kafka, name=unique("c"),
                         dead_letter_topic=topic + ".dlt", handler=slowly) as consumer,
    ):
        yield relay, consumer


@pytest.mark.usefixtures("effects")
async def test_broker_restarted_empty_under_an_idle_relay_and_a_lagging_consumer(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, topic: str,
    bundled: EmbeddedBroker,
) -> None:
    kafka = settings_for(bundled)
    streams = [a_stream() for _ in range(4)]
    for stream in streams:
        await store.append(stream, 0, notes(stream, 1, 15))
    async with pipeline(store, service_db, pool, topic, kafka) as (relay, _):
        await eventually(lambda: _published(relay, 60))
        await eventually(lambda: has_effects(pool, 10))
        bundled.kill()  # SIGKILL: everything the consumer had not read yet is gone
        applied_at_kill = await effects_count(pool)
        assert applied_at_kill < 60, "the broker must die while the consumer lags"
        bundled.start()
        await eventually(lambda: has_effects(pool, 60), timeout=60)
        await asyncio.sleep(1)  # nothing doubled arrives late
        assert relay.losses_detected >= 1
    await assert_each_once_in_stream_order(pool, 60)


@pytest.mark.usefixtures("effects")
async def test_broker_restarted_empty_while_writers_and_the_relay_are_busy(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, topic: str,
    bundled: EmbeddedBroker,
) -> None:
    kafka = settings_for(bundled)
    streams = [a_stream() for _ in range(5)]
    total = 5 * 40

    async def write() -> None:
        for _ in range(40):
            await asyncio.gather(*(append_with_retry(store, s, 1) for s in streams))
            await asyncio.sleep(0.02)

    async with pipeline(store, service_db, pool, topic, kafka) as (relay, _):
        writers = asyncio.create_task(write())
        await eventually(lambda: has_effects(pool, 20))
        await asyncio.to_thread(bundled.kill)
        await asyncio.sleep(0.3)  # appends go on meanwhile
        await asyncio.to_thread(bundled.start)
        await writers
        await eventually(lambda: has_effects(pool, total), timeout=90)
        await asyncio.sleep(1)
        assert relay.losses_detected >= 1
    await assert_each_once_in_stream_order(pool, total)


@pytest.mark.usefixtures("effects")
async def test_a_record_of_a_new_epoch_mid_partition_sends_the_consumer_back_to_the_start(
    pool: asyncpg.Pool, kafka: KafkaSettings, topic: str,
) -> None:
    """What a consumer that kept its place across a broker restart meets: the rebuilt log's
    records under a new epoch past the start. It applies nothing, commits nothing, and reads
    the partition again from offset 0."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from tests.support import REGISTRY, NoteRecorded

    stream = a_stream()
    events = notes(stream, 1, 4)
    await ensure_topics(kafka, [topic], partitions=1)
    sender = producer(kafka)
    await sender.start()
    try:
        for index, envelope in enumerate(events):
            epoch = b"first" if index < 2 else b"second"
            await sender.send_and_wait(topic, envelope.canonical_json().encode(),
                                       key=stream.encode(), headers=[("relay_epoch", epoch)])
    finally:
        await sender.stop()
    consumer = EventConsumer(unique("c"), [topic], {NoteRecorded: record_effect}, REGISTRY,
                             pool, topic + ".dlt")
    reader = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers,
                              enable_auto_commit=False, group_id=consumer.name)
    await reader.start()
    try:
        partition = TopicPartition(topic, 0)
        reader.assign([partition])
        reader.seek(partition, 0)
        delivered: list[tuple[int, bytes]] = []
        while len(delivered) < 7:
            record = await asyncio.wait_for(reader.getone(), 20)
            delivered.append((record.offset, dict(record.headers)["relay_epoch"]))
            await consumer.deliver(record, reader)
    finally:
        await reader.stop()
    # 0, 1 (first epoch); 2 is the second epoch mid-partition: back to 0; then 0..3 again.
    assert [offset for offset, _ in delivered] == [0, 1, 2, 0, 1, 2, 3]
    assert consumer.rewinds == 1
    await assert_each_once_in_stream_order(pool, 4)


# A durable broker (Apache Kafka) SIGKILLed and restarted is never taken for one that lost
# data: test_relay_rides_out_an_apache_kafka_restart_without_re_publishing, on the session's
# broker parametrisation.


async def _published(relay: OutboxRelay, expected: int) -> bool:
    return (await relay.checkpoint()).published >= expected


async def test_a_topic_the_bundled_broker_creates_on_its_own_has_the_platforms_count(
    bundled: EmbeddedBroker,
) -> None:
    """Restarted empty, tansu re-creates a topic as soon as a consumer asks for it, before
    the relay can; a different count than the relays make stranded a partition (issue #8)."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient

    settings = settings_for(bundled)
    asked, made = unique("asked-for"), unique("made")
    consumer = AIOKafkaConsumer(asked, bootstrap_servers=bundled.bootstrap_servers,
                                group_id=unique("g"))

    async def known() -> bool:
        return bool(consumer.partitions_for_topic(asked))

    await consumer.start()
    try:
        await eventually(known)
    finally:
        await consumer.stop()
    await ensure_topics(settings, [made])
    admin = AIOKafkaAdminClient(bootstrap_servers=bundled.bootstrap_servers)
    await admin.start()
    try:
        described = {d["topic"]: len(d["partitions"])
                     for d in await admin.describe_topics([asked, made])}
    finally:
        await admin.close()
    assert described == {asked: settings.topic_partitions, made: settings.topic_partitions}


@pytest.mark.usefixtures("effects")
async def test_a_relays_record_that_reached_the_restarted_broker_first_does_not_overtake(
    pool: asyncpg.Pool, bundled: EmbeddedBroker, topic: str,
) -> None:
    """What the busy-writers test above caught once in 25 runs: the relay's next record
    reaches the restarted, empty broker before the relay notices the loss, so it sits at
    offset 0 under the old epoch, ahead of everything the relay then publishes again
    under its new one. Applied, it would overtake its stream's earlier events."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from tests.support import REGISTRY, NoteRecorded

    kafka = settings_for(bundled)
    stream = a_stream()
    events = notes(stream, 1, 4)

    async def send(batch: list[tuple[int, bytes]]) -> None:
        sender = producer(kafka)
        await sender.start()
        try:
            for index, epoch in batch:
                envelope = events[index]
                await sender.send_and_wait(
                    topic, envelope.canonical_json().encode(), key=stream.encode(),
                    headers=[("relay_epoch", epoch),
                             ("event_id", str(envelope.event_id).encode())])
        finally:
            await sender.stop()

    consumer = EventConsumer(unique("c"), [topic], {NoteRecorded: record_effect}, REGISTRY,
                             pool, topic + ".dlt")
    partition = TopicPartition(topic, 0)

    async def read(count: int) -> list[tuple[int, bytes]]:
        reader = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers,
                                  enable_auto_commit=False, group_id=consumer.name)
        await reader.start()
        delivered: list[tuple[int, bytes]] = []
        try:
            reader.assign([partition])
            reader.seek(partition, 0)
            while len(delivered) < count:
                record = await asyncio.wait_for(reader.getone(), 20)
                delivered.append((record.offset, dict(record.headers)["relay_epoch"]))
                await consumer.deliver(record, reader)
        finally:
            await reader.stop()
        return delivered

    await ensure_topics(kafka, [topic], partitions=1)
    await send([(0, b"first"), (1, b"first")])
    assert await read(2) == [(0, b"first"), (1, b"first")]
    await asyncio.to_thread(bundled.kill)
    await asyncio.to_thread(bundled.start)
    await ensure_topics(kafka, [topic], partitions=1)
    # Event 3 under the old epoch first, then the relay's new epoch from the first event.
    await send([(2, b"first"), (0, b"second"), (1, b"second"), (2, b"second"),
                (3, b"second")])
    delivered = await read(7)
    # 0: event 3 behind what was read, never applied: held back. 1: the new epoch part-way
    # in: back to 0, where event 3 is now of a retired epoch; then 1-4 in order.
    assert delivered == [(0, b"first"), (1, b"second"), (0, b"first"), (1, b"second"),
                         (2, b"second"), (3, b"second"), (4, b"second")]
    assert consumer.held_back == 2
    assert consumer.rewinds == 1
    await assert_each_once_in_stream_order(pool, 4)

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from pathlib import Path

import asyncpg
import pytest
from aiokafka.errors import KafkaError
from faststream.kafka.subscriber.usecase import LogicSubscriber

from shared.infra.apache_kafka import ApacheKafka
from shared.infra.embedded_broker import EmbeddedBroker
from shared.kernel.errors import ConcurrencyError
from shared.messaging.consumer import EventConsumer
from shared.messaging.faststream_wiring import attach, kafka_broker
from shared.messaging.inbox import Delivery
from shared.messaging.kafka import ensure_topics, messages_on_topic, producer
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from shared.settings import KafkaSettings
from tests.conftest import unique
from tests.messaging_support import (
    CheckpointWatch,
    StoreWriters,
    applied_at,
    assert_each_once_in_stream_order,
    caught_up_after,
    effects_count,
    eventually,
    has_effects,
    read_topic,
    record_effect,
    report,
    resumed_after,
    running_consumer,
    running_pipeline,
    running_relay,
)
from tests.support import REGISTRY, NoteRecorded, a_stream, notes


async def append_with_retry(store: EventStore, stream: str, count_: int) -> None:
    for _ in range(count_):
        while True:
            version = await store.stream_version(stream)
            try:
                await store.append(stream, version, notes(stream, version + 1, 1))
                break
            except ConcurrencyError:
                await asyncio.sleep(0)


@pytest.mark.usefixtures("effects")
async def test_concurrent_writers_every_event_takes_effect_once_in_stream_order(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    streams = [a_stream() for _ in range(6)]
    slow_stream = a_stream()
    async with running_pipeline(store, service_db, pool, topic, kafka):
        # A transaction takes a low position first and commits only after everyone else.
        async with pool.acquire() as slow:
            tx = slow.transaction()
            await tx.start()
            await store.append(slow_stream, 0, notes(slow_stream, 1, 1), conn=slow)
            writers = [append_with_retry(store, streams[i % 6], 5) for i in range(24)]
            await asyncio.gather(*writers)
            await asyncio.sleep(0.3)  # the relay has published everything it may by now
            await tx.commit()
        total = 24 * 5 + 1
        await eventually(lambda: has_effects(pool, total))
        await asyncio.sleep(0.5)  # nothing more, nothing doubled, arrives later
        await assert_each_once_in_stream_order(pool, total)
        slow_positions = await pool.fetchval(
            "SELECT global_position FROM events WHERE stream_id = $1", slow_stream
        )
        later = await pool.fetchval(
            "SELECT count(*) FROM events WHERE global_position > $1", slow_positions
        )
        assert later > 0, "the slow transaction did hold a lower position than later commits"


@pytest.mark.usefixtures("effects")
async def test_a_redelivered_event_takes_effect_once(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 3))
    name = unique("c")
    async with (
        running_relay(store, service_db, topic, kafka) as relay,
        running_consumer(pool, [topic], kafka, name=name, dead_letter_topic=topic + ".dlt"),
    ):
        await eventually(lambda: has_effects(pool, 3))
        await relay.republish_from()  # every event goes out a second time
        await eventually(lambda: _published_twice(kafka, topic, 6))
        # The group has consumed past all six messages: the repeats were delivered...
        await eventually(lambda: _committed(kafka, name, topic, 6))
    # ...and took no effect.
    assert await effects_count(pool) == 3
    assert await pool.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", name) == 3


async def _committed(kafka: KafkaSettings, group: str, topic: str, expected: int) -> bool:
    """Whether the group's committed offsets on `topic` add up to `expected` messages."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    probe = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=group,
                             enable_auto_commit=False)
    await probe.start()
    try:
        partitions = probe.partitions_for_topic(topic) or set()
        if not partitions:
            await probe._client.force_metadata_update()
            partitions = probe.partitions_for_topic(topic) or set()
        offsets = [await probe.committed(TopicPartition(topic, p)) for p in partitions]
        return sum(o or 0 for o in offsets) >= expected
    finally:
        await probe.stop()


async def _published_twice(kafka: KafkaSettings, topic: str, expected: int) -> bool:
    return len(await read_topic(kafka, topic, expected, timeout=2)) >= expected


@pytest.mark.usefixtures("effects")
async def test_poison_goes_to_dead_letter_and_later_messages_are_processed(
    store: EventStore, pool: asyncpg.Pool, kafka: KafkaSettings, topic: str,
) -> None:
    dlt = topic + ".dlt"
    stream = a_stream()
    good = notes(stream, 1, 2)
    unknown = good[0].model_copy(
        update={"event_type": "NothingKnowsThis", "event_id": uuid.uuid4()}
    ).canonical_json()
    future_version = good[0].model_copy(
        update={"schema_version": 99, "event_id": uuid.uuid4()}
    ).canonical_json()
    # Standing in for a relay, so creating the topic as a relay does.
    await ensure_topics(kafka, [topic])
    kafka_producer = producer(kafka)
    await kafka_producer.start()
    try:
        for value in (good[0].canonical_json(), "{not json", unknown, future_version,
                      good[1].canonical_json()):
            await kafka_producer.send_and_wait(topic, value.encode(), key=stream.encode())
    finally:
        await kafka_producer.stop()

    async with running_consumer(pool, [topic], kafka, name=unique("c"), dead_letter_topic=dlt):
        await eventually(lambda: has_effects(pool, 2))
    dead = await read_topic(kafka, dlt, 3)
    assert len(dead) == 3
    reasons = [dict(record.headers)["dlt-error"].decode() for record in dead]
    assert any("NothingKnowsThis" in reason for reason in reasons)
    assert any("v99" in reason for reason in reasons)
    assert all(dict(r.headers)["dlt-source-topic"].decode() == topic for r in dead)
    await assert_each_once_in_stream_order(pool, 2)


@pytest.mark.usefixtures("effects")
async def test_relay_resumes_after_restart_without_publishing_everything_again(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 3))
    async with running_relay(store, service_db, topic, kafka) as first:
        await eventually(lambda: _published_twice(kafka, topic, 3))
        # Stopped once it has recorded its progress: stopped between the broker's
        # acknowledgement and that, it would rightly send the three again (at least once).
        await eventually(lambda: _checkpoint_published(first, 3))
    await store.append(stream, 3, notes(stream, 4, 2))
    async with running_relay(store, service_db, topic, kafka) as relay:
        await eventually(lambda: _published_twice(kafka, topic, 5))
        await asyncio.sleep(0.5)
        assert (await relay.checkpoint()).published == 5
    assert len(await read_topic(kafka, topic, 6, timeout=2)) == 5


async def test_only_one_relay_is_active_per_store_and_a_standby_takes_over(
    store: EventStore, service_db: ServiceDatabase, kafka: KafkaSettings, topic: str,
) -> None:
    from shared.messaging.relay import OutboxRelay

    standby = OutboxRelay(store, service_db.app_dsn, service_db.schema, topic, kafka,
                          poll_interval=0.1)
    standby_task: asyncio.Task[None] | None = None
    try:
        async with running_relay(store, service_db, topic, kafka):
            standby_task = asyncio.create_task(standby.run())
            await asyncio.sleep(1.0)
            assert not standby.active.is_set()
        # The active relay is gone (its process would have died): the standby takes over.
        await asyncio.wait_for(standby.active.wait(), 10)
        stream = a_stream()
        await store.append(stream, 0, notes(stream, 1, 2))
        await eventually(lambda: _published_twice(kafka, topic, 2))
    finally:
        if standby_task is not None:
            standby_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await standby_task


# tansu only: it keeps its topics in memory, so a restart empties them and the relay's
# re-publish (OutboxRelay's broker epochs: its marker is gone) brings the events back. Apache
# Kafka keeps them: see test_relay_rides_out_an_apache_kafka_restart_without_re_publishing.
@pytest.mark.broker("tansu")
@pytest.mark.usefixtures("effects")
async def test_relay_republishes_when_tansu_comes_back_empty(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, topic: str,
) -> None:
    broker = EmbeddedBroker()
    broker.start()
    kafka = KafkaSettings(bootstrap_servers=broker.bootstrap_servers, idempotent_producer=False)
    try:
        stream = a_stream()
        await store.append(stream, 0, notes(stream, 1, 4))
        async with running_relay(store, service_db, topic, kafka):
            await eventually(lambda: _published_twice(kafka, topic, 4))
        broker.restart_empty()
        assert await read_topic(kafka, topic, 1, timeout=1) == []
        async with running_pipeline(store, service_db, pool, topic, kafka):
            await eventually(lambda: has_effects(pool, 4))
        await assert_each_once_in_stream_order(pool, 4)
    finally:
        broker.stop()


# Apache Kafka keeps what it acknowledged (here on disk: one node, one replica), so the
# relay's tansu-only re-publish must not fire; it only has to wait and carry on.
@pytest.mark.broker("apache")
@pytest.mark.timeout(180)
@pytest.mark.usefixtures("effects")
async def test_relay_rides_out_an_apache_kafka_restart_without_re_publishing(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, topic: str,
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.WARNING, logger="shared.messaging.relay")
    node = ApacheKafka(tmp_path / "kafka")
    await asyncio.to_thread(node.start)
    kafka = KafkaSettings(bootstrap_servers=node.bootstrap_servers, idempotent_producer=True,
                          fetch_max_wait_ms=500)
    try:
        async with (CheckpointWatch(pool) as watch,
                    running_pipeline(store, service_db, pool, topic, kafka)):
            async with StoreWriters(store) as writers:
                # A new node creates its offsets topic on the group's first request: slow
                # on a busy machine, and not what this test is about.
                await eventually(lambda: has_effects(pool, 100), timeout=90)
                down_at = time.time()
                await asyncio.to_thread(node.kill)  # mid-stream: writers carry on
                await asyncio.sleep(3)
                # A new launcher on the folder, as after a crash: the same node, its log
                # recovered rather than formatted afresh, on the same port.
                node = ApacheKafka(tmp_path / "kafka")
                await asyncio.to_thread(node.start)
                assert not node.formatted
                assert node.bootstrap_servers == kafka.bootstrap_servers
                back_at, written = time.time(), len(writers)
                # Caught up with all written during the outage, and carrying on past it.
                await eventually(lambda: has_effects(pool, written + 50), timeout=90)
            total = len(writers)
            await eventually(lambda: has_effects(pool, total), timeout=60)
            await asyncio.sleep(1)  # nothing more, nothing doubled, arrives later
        on_topic = await messages_on_topic(kafka, topic)
    finally:
        await asyncio.to_thread(node.remove)
    await assert_each_once_in_stream_order(pool, total)
    effects = await applied_at(pool)
    assert set(effects) == set(writers.appended)
    report(capsys, f"relay and consumer across a single node SIGKILLed mid-stream and back "
           f"{back_at - down_at:.1f} s later: {total} events, {on_topic} messages on the topic "
           f"({on_topic - total} sent twice); effects resumed "
           f"{resumed_after(effects, back_at):.1f} s after the restart and had caught up with "
           f"the outage's backlog {caught_up_after(writers, effects, back_at):.1f} s after it; "
           f"the checkpoint stood still {watch.longest_standstill(down_at):.1f} s at most")
    assert watch.rewinds() == [], "the relay's checkpoint went back"
    assert watch.published == total
    assert "re-publish" not in caplog.text
    assert "the broker lost data" not in caplog.text
    # At least once: a batch in flight at the kill may go twice, nothing from the start.
    assert total <= on_topic <= total + 200


# tansu only: why the platform runs its producer without idempotence there. If this
# starts failing, tansu has learnt the handshake and that setting can go.
@pytest.mark.broker("tansu")
async def test_tansu_refuses_the_idempotent_producer(kafka: KafkaSettings, topic: str) -> None:
    await ensure_topics(kafka, [topic])
    idempotent = producer(kafka.model_copy(update={"idempotent_producer": True}))
    try:
        with pytest.raises(KafkaError):  # its answer to InitProducerId
            await idempotent.start()
    finally:
        await idempotent.stop()


@pytest.mark.usefixtures("effects")
async def test_dead_letter_headers_do_not_repeat_personal_data(
    pool: asyncpg.Pool, kafka: KafkaSettings, topic: str,
) -> None:
    stream = a_stream()
    envelope = notes(stream, 1, 1)[0]
    # A child's name where a number belongs: the payload fails validation.
    bad = envelope.model_copy(update={"payload": {"text": "x", "sequence": "Jane Smith"}})
    await ensure_topics(kafka, [topic])
    kafka_producer = producer(kafka)
    await kafka_producer.start()
    try:
        await kafka_producer.send_and_wait(topic, bad.canonical_json().encode(),
                                           key=stream.encode())
    finally:
        await kafka_producer.stop()
    async with running_consumer(pool, [topic], kafka, name=unique("c"),
                                dead_letter_topic=topic + ".dlt"):
        dead = await read_topic(kafka, topic + ".dlt", 1)
    assert len(dead) == 1
    headers = {key: value.decode() for key, value in dead[0].headers}
    assert "sequence" in headers["dlt-error"]
    assert all("Jane Smith" not in value for value in headers.values())


async def test_an_idle_relay_is_woken_by_notify_not_by_its_poll(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    from shared.messaging.relay import OutboxRelay

    # A poll interval far longer than the wait below: only NOTIFY can explain a fast hand-over.
    relay = OutboxRelay(store, service_db.app_dsn, service_db.schema, topic, kafka,
                        poll_interval=30)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(relay.active.wait(), 30)
        backlog = a_stream()
        await store.append(backlog, 0, notes(backlog, 1, 200))  # turns NOTIFY off a while
        await eventually(lambda: _published_twice(kafka, topic, 200))
        await asyncio.sleep(6)  # idle: the relay's own timeouts have grown past this test's
        assert await pool.fetchval("SELECT waiting FROM relay_wake") is True
        late = a_stream()
        await store.append(late, 0, notes(late, 1, 1))
        await eventually(lambda: _published_twice(kafka, topic, 201), timeout=2)
    finally:
        task.cancel()


async def test_the_checkpoint_only_moves_back_when_re_publishing_on_purpose(
    store: EventStore, service_db: ServiceDatabase, kafka: KafkaSettings, topic: str,
) -> None:
    from shared.messaging.relay import OutboxRelay
    from shared.postgres.event_store import CommitPoint

    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 3))
    async with running_relay(store, service_db, topic, kafka) as relay:
        await eventually(lambda: _published_twice(kafka, topic, 3))
        await eventually(lambda: _checkpoint_published(relay, 3))
    stale = OutboxRelay(store, service_db.app_dsn, service_db.schema, topic, kafka)
    ahead = (await stale.checkpoint()).point
    await stale._save(CommitPoint(), 0)  # a relay that lost its lock, behind the times
    assert (await stale.checkpoint()).point == ahead
    await stale.republish_from(CommitPoint())
    assert (await stale.checkpoint()).point == CommitPoint()


async def _checkpoint_published(relay: object, expected: int) -> bool:
    from shared.messaging.relay import OutboxRelay

    assert isinstance(relay, OutboxRelay)
    return (await relay.checkpoint()).published >= expected


@pytest.mark.usefixtures("effects")
async def test_the_consumer_group_runs_with_the_settings_the_readme_documents(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 5))  # on the topic before the group exists
    fourth = asyncio.Event()

    async def held_at_the_fourth(delivery: Delivery) -> None:
        if delivery.envelope.stream_version == 4:
            await fourth.wait()
        await record_effect(delivery)

    group = unique("c")
    consumer = EventConsumer(group, [topic], {NoteRecorded: held_at_the_fourth}, REGISTRY,
                             pool, topic + ".dlt")
    await ensure_topics(kafka, [topic + ".dlt"])
    broker = kafka_broker(kafka)
    attach(broker, consumer, kafka)
    async with running_relay(store, service_db, topic, kafka):
        await broker.start()
        try:
            # Earliest: a new group starts at the beginning of the topic, not its end.
            await eventually(lambda: has_effects(pool, 3))
            # Manual commits, one record at a time: the group has committed exactly what
            # took effect, not the fourth record it holds, nor the fetched fifth.
            await eventually(lambda: _committed(kafka, group, topic, 3))
            await asyncio.sleep(0.5)
            assert not await _committed(kafka, group, topic, 4)
            [subscriber] = broker.subscribers
            assert isinstance(subscriber, LogicSubscriber)
            client = subscriber.consumer  # the aiokafka consumer FastStream built for us
            assert client is not None
            coordinator = client._coordinator  # what the JoinGroup request carries
            assert (coordinator._session_timeout_ms, coordinator._heartbeat_interval_ms,
                    coordinator._max_poll_interval) == (6000, 1000, 60.0)
            assert (client._group_id, client._enable_auto_commit,
                    client._auto_offset_reset) == (group, False, "earliest")
            fourth.set()
            await eventually(lambda: has_effects(pool, 5))
            await eventually(lambda: _committed(kafka, group, topic, 5))
        finally:
            fourth.set()
            await broker.stop()
    await assert_each_once_in_stream_order(pool, 5)

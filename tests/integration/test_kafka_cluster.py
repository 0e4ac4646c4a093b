"""Three Apache Kafka nodes on loopback, as production runs them (KRaft; the project's
topics with three replicas and min.insync.replicas 2; idempotent producers, acks=all),
losing a node to SIGKILL.

First what Kafka itself promises: topics as configured, committed offsets surviving the
group coordinator (raw consumers, so no inbox hides a lost commit); then the platform: an
outbox relay over a real event store that concurrent writers keep appending to, and an
EventConsumer applying the events through its inbox, while the leader of one of the
relay's partitions, or the consumer group's coordinator, is killed and later restarted.
(Raw producers losing a leader are not tested apart: the relay is such a producer, and the
platform test checks every event on the topic and each applied once.)

One cluster for the module (a start costs ~15 s on two cores); each test starts with
every node running. Each prints its recovery figures.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer

from shared.infra.apache_kafka import KafkaCluster
from shared.kernel.identifiers import new_stream_id
from shared.messaging.kafka import connection_options, ensure_topics
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from shared.settings import KafkaSettings
from tests.kafka_support import (
    TOPIC_CONFIG,
    a_topic,
    by_key,
    committed_offsets,
    publish,
    read_all,
    topic_configs,
    until,
)
from tests.messaging_support import (
    CheckpointWatch,
    StoreWriters,
    applied_at,
    assert_each_once_in_stream_order,
    best_rate,
    eventually,
    first_effect_after,
    has_effects,
    longest_gap,
    report,
    running_pipeline,
)

pytestmark = pytest.mark.broker("apache")


@pytest.fixture(scope="module")
async def cluster() -> AsyncIterator[KafkaCluster]:
    nodes = KafkaCluster()
    try:
        await asyncio.to_thread(nodes.start)
        yield nodes
    finally:
        await asyncio.to_thread(nodes.remove)


@pytest.fixture
async def all_nodes_up(cluster: KafkaCluster) -> KafkaCluster:
    for node_id, node in cluster.nodes.items():
        if not node.running:
            await asyncio.to_thread(cluster.restart, node_id)
    return cluster


def production_settings(cluster: KafkaCluster) -> KafkaSettings:
    """The settings deploy/ gives the services (compose.yaml, k8s/services.yaml)."""
    return KafkaSettings(
        bootstrap_servers=cluster.bootstrap_servers, idempotent_producer=True,
        topic_replication_factor=3, min_insync_replicas=2, topic_retention_ms=-1,
        fetch_max_wait_ms=500,
    )


async def test_topics_the_project_creates_have_the_configured_partitions_and_replication(
    all_nodes_up: KafkaCluster,
) -> None:
    settings = production_settings(all_nodes_up).model_copy(update={"topic_partitions": 4})
    topic = a_topic()
    await ensure_topics(settings, [topic])
    partitions = await all_nodes_up.partitions(topic)
    assert sorted(partitions) == [0, 1, 2, 3]
    for partition in partitions.values():
        assert sorted(partition["replicas"]) == [1, 2, 3]
    configs = await topic_configs(settings, topic)
    # Set on the topic itself: the cluster's own default min.insync.replicas is 2 as well,
    # so the value alone would not show that ensure_topics set it.
    assert configs["min.insync.replicas"] == ("2", TOPIC_CONFIG)
    assert configs["retention.ms"] == ("-1", TOPIC_CONFIG)


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_three_nodes_committed_offsets_survive_the_group_coordinator_sigkilled(
    all_nodes_up: KafkaCluster, capsys: pytest.CaptureFixture[str],
) -> None:
    cluster = all_nodes_up
    settings = production_settings(cluster)
    topic, group = a_topic(), f"g-{uuid.uuid4().hex[:8]}"
    await ensure_topics(settings, [topic])
    streams = [new_stream_id("case") for _ in range(6)]
    await publish(settings, topic, streams, per_stream=20)

    async def consume_committing(expected: int) -> dict[bytes, list[int]]:
        consumer = AIOKafkaConsumer(
            topic, **connection_options(settings), group_id=group,
            auto_offset_reset="earliest", enable_auto_commit=False,
            session_timeout_ms=settings.session_timeout_ms,
            heartbeat_interval_ms=settings.heartbeat_interval_ms,
        )
        await consumer.start()
        records: list[Any] = []
        try:
            while len(records) < expected:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    records.extend(batch)
                await consumer.commit()
            await asyncio.sleep(0.5)  # anything beyond `expected` would show up here
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        finally:
            await consumer.stop()
        return by_key(records)

    assert await consume_committing(120) == {s.encode(): list(range(20)) for s in streams}
    coordinator = await cluster.coordinator_of(group)
    killed_at = time.monotonic()
    cluster.kill(coordinator)
    await publish(settings, topic, streams, per_stream=5, first=20)
    # The same group resumes where it committed: only the five new numbers per stream.
    assert await consume_committing(30) == {s.encode(): list(range(20, 25)) for s in streams}
    resumed = time.monotonic() - killed_at
    moved_to = await cluster.coordinator_of(group)
    assert moved_to != coordinator
    report(capsys, f"SIGKILLed node {coordinator} (coordinator of the group): node {moved_to} "
           f"took over and the group resumed from its committed offsets {resumed:.1f} s later")


# --- the platform ----------------------------------------------------------------------

RELAY_BATCH = 200  # OutboxRelay's default batch_size: what one failed send may repeat


async def leader_moved(cluster: KafkaCluster, topic: str, partition: int, old: int) -> bool:
    try:
        return await cluster.leader_of(topic, partition) not in (old, -1)
    except Exception:  # metadata from a node that is itself catching up
        return False


async def coordinator_moved(cluster: KafkaCluster, group: str, old: int) -> bool:
    try:
        return await cluster.coordinator_of(group) != old
    except Exception:  # no coordinator while its offsets partition has no leader
        return False


async def commits_beyond(settings: KafkaSettings, group: str, topic: str, offsets: int) -> bool:
    try:
        return await committed_offsets(settings, group, topic) > offsets
    except Exception:
        return False


async def restarted_in(cluster: KafkaCluster, node: int) -> float:
    """Restart a killed node (on its data); the seconds until it was a broker again."""
    started = time.time()
    await asyncio.to_thread(cluster.restart, node)
    return time.time() - started


def redeliveries(caplog: pytest.LogCaptureFixture) -> int:
    """Events the consumer was handed again and its inbox passed over."""
    return sum(1 for record in caplog.records
               if record.name == "shared.messaging.consumer"
               and record.getMessage().endswith("already applied"))


async def check_the_platform_run(
    pool: asyncpg.Pool, settings: KafkaSettings, topic: str, writers: StoreWriters,
    watch: CheckpointWatch, caplog: pytest.LogCaptureFixture,
) -> tuple[dict[uuid.UUID, float], int, dict[str, int]]:
    """Every event took effect exactly once and in stream order, every event is on the
    topic, the relay never went back (no re-publish from the start) and the group resumed
    from its committed offsets (not from the start). Returns when each event took effect,
    the messages on the topic and each stream's partition."""
    total = len(writers)
    # A redelivery is harmless (the inbox), but one from the start of the topic would mean
    # committed offsets were lost: at most what was in flight may come again.
    assert redeliveries(caplog) <= 2 * RELAY_BATCH, f"{redeliveries(caplog)} redelivered"
    await assert_each_once_in_stream_order(pool, total)
    effects = await applied_at(pool)
    assert set(effects) == set(writers.appended)
    records = await read_all(settings, topic)
    on_topic = {uuid.UUID(dict(r.headers)["event_id"].decode()) for r in records}
    assert on_topic == set(writers.appended), "the topic lacks an event or holds a stranger"
    assert watch.rewinds() == [], "the relay's checkpoint went back"
    assert watch.published == total
    # At least once: a batch the relay had in flight may go twice; a re-publish from the
    # start would have sent every earlier event again.
    assert len(records) - total <= 2 * RELAY_BATCH, f"{len(records)} messages for {total}"
    return effects, len(records), {r.key.decode(): r.partition for r in records}


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.usefixtures("effects")
async def test_platform_a_sigkilled_leader_of_the_relays_partition_loses_and_doubles_nothing(
    all_nodes_up: KafkaCluster, store: EventStore, pool: asyncpg.Pool,
    service_db: ServiceDatabase, topic: str, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="shared.messaging.consumer")
    cluster = all_nodes_up
    settings = production_settings(cluster)
    async with (CheckpointWatch(pool) as watch,
                running_pipeline(store, service_db, pool, topic, settings) as consumer):
        await cluster.wait_fully_in_sync(topic)  # the relay has created it
        async with StoreWriters(store) as writers:
            await eventually(lambda: has_effects(pool, 100), timeout=90)
            coordinator = await cluster.coordinator_of(consumer.name)
            partitions = await cluster.partitions(topic)
            # A partition the writers' streams use (eight streams may leave one idle),
            # whose leader is not also the group's coordinator: that is the next test.
            used = {record.partition for record in await read_all(settings, topic)}
            candidates = [(p, int(info["leader"])) for p, info in sorted(partitions.items())
                          if p in used and info["leader"] != coordinator]
            assert candidates, f"every used partition {used} is led by the coordinator"
            watched, victim = candidates[0]
            killed_at = time.time()
            await asyncio.to_thread(cluster.kill, victim)
            await until(lambda: leader_moved(cluster, topic, watched, victim), 60,
                        f"a new leader for partition {watched}")
            elected = time.time() - killed_at
            await asyncio.sleep(2)  # a while on two nodes: still min.insync.replicas
            restart = asyncio.create_task(restarted_in(cluster, victim))
            await asyncio.sleep(5)  # writing on while the node comes back
        # The writers stop (a bounded test); the backlog drains while the node rejoins.
        await eventually(lambda: has_effects(pool, len(writers)), timeout=120)
        drained = time.time() - killed_at
        restarted = await restart
        in_sync = await cluster.wait_fully_in_sync(topic)
        await asyncio.sleep(1)  # nothing more, nothing doubled, arrives later
    effects, on_topic, partition_of = await check_the_platform_run(
        pool, settings, topic, writers, watch, caplog)
    watched_streams = {stream for stream, p in partition_of.items() if p == watched}
    on_watched = [at for event, at in effects.items()
                  if writers.stream_of[event] in watched_streams]
    report(capsys, f"platform, SIGKILLed node {victim} (leader of the relay's partition "
           f"{watched}): new leader after {elected:.1f} s; an event written after the kill on "
           f"that partition took effect "
           f"{first_effect_after(writers, effects, killed_at, watched_streams):.1f} s after it; "
           f"effects on that partition stood still {longest_gap(on_watched, killed_at):.1f} s "
           f"at most, on any {longest_gap(list(effects.values()), killed_at):.1f} s; the "
           f"consumer applied up to {best_rate(list(effects.values())):.0f} events/s; "
           f"the relay's checkpoint stood still {watch.longest_standstill(killed_at):.1f} s at "
           f"most; node {victim} restarted in {restarted:.1f} s, in every ISR {in_sync:.1f} s "
           f"later; all applied {drained:.1f} s after the kill; {len(writers)} events, "
           f"{on_topic} messages ({on_topic - len(writers)} sent twice), "
           f"{redeliveries(caplog)} delivered again, each applied once")


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.usefixtures("effects")
async def test_platform_a_sigkilled_group_coordinator_loses_and_doubles_nothing(
    all_nodes_up: KafkaCluster, store: EventStore, pool: asyncpg.Pool,
    service_db: ServiceDatabase, topic: str, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="shared.messaging.consumer")
    cluster = all_nodes_up
    settings = production_settings(cluster)
    async with (CheckpointWatch(pool) as watch,
                running_pipeline(store, service_db, pool, topic, settings) as consumer):
        await cluster.wait_fully_in_sync(topic)
        async with StoreWriters(store) as writers:
            await eventually(lambda: has_effects(pool, 100), timeout=90)
            group = consumer.name
            victim = await cluster.coordinator_of(group)
            # Three partitions on three nodes: the coordinator leads one of them too.
            led = [p for p, info in sorted((await cluster.partitions(topic)).items())
                   if info["leader"] == victim]
            committed = await committed_offsets(settings, group, topic)
            killed_at = time.time()
            await asyncio.to_thread(cluster.kill, victim)
            await until(lambda: coordinator_moved(cluster, group, victim), 60,
                        "a new coordinator")
            moved = time.time() - killed_at
            await until(lambda: commits_beyond(settings, group, topic, committed), 60,
                        "the group committing again")
            committing = time.time() - killed_at
            await asyncio.sleep(2)
            restart = asyncio.create_task(restarted_in(cluster, victim))
            await asyncio.sleep(5)  # writing on while the node comes back
        await eventually(lambda: has_effects(pool, len(writers)), timeout=120)
        drained = time.time() - killed_at
        restarted = await restart
        await cluster.wait_fully_in_sync(topic)
        await asyncio.sleep(1)  # nothing more, nothing doubled, arrives later
        new_coordinator = await cluster.coordinator_of(group)
    effects, on_topic, _ = await check_the_platform_run(
        pool, settings, topic, writers, watch, caplog)
    report(capsys, f"platform, SIGKILLed node {victim} (coordinator of the consumer group, "
           f"leader of partition(s) {led}): a new coordinator after {moved:.1f} s, the group "
           f"committed again after {committing:.1f} s; an event written after the kill took "
           f"effect {first_effect_after(writers, effects, killed_at):.1f} s after it; effects "
           f"stood still {longest_gap(list(effects.values()), killed_at):.1f} s at most; the "
           f"consumer applied up to {best_rate(list(effects.values())):.0f} events/s; the "
           f"relay's checkpoint stood still {watch.longest_standstill(killed_at):.1f} s at "
           f"most; node {victim} restarted in {restarted:.1f} s; all applied {drained:.1f} s "
           f"after the kill; coordinator now node {new_coordinator}; {len(writers)} events, "
           f"{on_topic} messages ({on_topic - len(writers)} sent twice), "
           f"{redeliveries(caplog)} delivered again, each applied once")

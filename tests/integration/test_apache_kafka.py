"""Against a real Apache Kafka (KRaft) whose jars Maven fetches (shared/infra/apache_kafka.py).

Java and Maven are required, not optional: where they are missing these tests fail and
say so, rather than skip and pass unseen.
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import InvalidReplicationFactorError, KafkaError

from shared.infra.apache_kafka import (
    ApacheKafka,
    KafkaCluster,
    KafkaStartError,
    KafkaUnavailable,
    ensure_libs,
    pinned_version,
)
from shared.kernel.identifiers import new_stream_id
from shared.messaging.faststream_wiring import kafka_broker
from shared.messaging.kafka import connection_options, ensure_topics, producer
from shared.settings import KafkaSettings


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Timings belong in the test run's output, not only in a captured buffer."""
    with capsys.disabled():
        print(f"\n    [apache-kafka] {line}", flush=True)


def a_topic() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def node() -> Iterator[ApacheKafka]:
    kafka = ApacheKafka()
    try:
        kafka.start()
        yield kafka
    finally:
        kafka.remove()


async def read_all(settings: KafkaSettings, topic: str) -> list[Any]:
    """Every record on the topic, from the beginning up to its end offsets at the call."""
    consumer = AIOKafkaConsumer(**connection_options(settings), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(settings.topic_partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []
        deadline = time.monotonic() + 30
        while any([await consumer.position(tp) < ends[tp] for tp in partitions]):
            assert time.monotonic() < deadline, f"could not read {topic} to its end offsets"
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def by_key(records: list[Any]) -> dict[bytes, list[int]]:
    values: dict[bytes, list[int]] = defaultdict(list)
    for record in records:
        values[record.key].append(int(record.value))
    return dict(values)


async def publish(settings: KafkaSettings, topic: str, streams: list[str], per_stream: int,
                  first: int = 0) -> None:
    kafka = producer(settings)
    await kafka.start()
    try:
        for sequence in range(first, first + per_stream):
            for stream in streams:
                await kafka.send(topic, str(sequence).encode(), key=stream.encode())
        await kafka.flush()
    finally:
        await kafka.stop()


async def test_topic_created_by_the_project_then_an_idempotent_round_trip_in_order(
    node: ApacheKafka,
) -> None:
    settings = KafkaSettings(bootstrap_servers=node.bootstrap_servers, idempotent_producer=True)
    topic = a_topic()
    await ensure_topics(settings, [topic])
    await ensure_topics(settings, [topic])  # a second service starting: no error, no change
    admin = AIOKafkaAdminClient(**connection_options(settings))
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    assert described["error_code"] == 0
    assert len(described["partitions"]) == settings.topic_partitions

    streams = [new_stream_id("note") for _ in range(6)]
    await publish(settings, topic, streams, per_stream=50)

    assert by_key(await read_all(settings, topic)) == {
        stream.encode(): list(range(50)) for stream in streams
    }


async def test_a_topic_the_broker_refuses_is_an_error_not_silence(node: ApacheKafka) -> None:
    settings = KafkaSettings(bootstrap_servers=node.bootstrap_servers, topic_replication_factor=3)
    with pytest.raises(InvalidReplicationFactorError, match="creating topic"):
        await ensure_topics(settings, [a_topic()])


async def test_restart_on_the_same_folder_keeps_the_data_and_does_not_reformat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    kafka = ApacheKafka(tmp_path / "kafka")
    try:
        started = time.monotonic()
        await asyncio.to_thread(kafka.start)
        report(capsys, f"single node started (storage formatted) in "
               f"{time.monotonic() - started:.1f} s")
        assert kafka.formatted
        meta = (kafka.log_dir / "meta.properties").read_text()
        settings = KafkaSettings(bootstrap_servers=kafka.bootstrap_servers)
        topic = a_topic()
        await ensure_topics(settings, [topic])
        streams = [new_stream_id("note") for _ in range(3)]
        await publish(settings, topic, streams, per_stream=20)

        kafka.stop()
        started = time.monotonic()
        await asyncio.to_thread(kafka.start)
        report(capsys, f"restarted after a clean stop in {time.monotonic() - started:.1f} s")
        assert not kafka.formatted
        assert (kafka.log_dir / "meta.properties").read_text() == meta
        await publish(settings, topic, streams, per_stream=20, first=20)

        # A crash rather than a clean stop: the log is recovered, not lost.
        kafka.kill()
        restarted = ApacheKafka(tmp_path / "kafka")  # a new launcher finds the same node
        started = time.monotonic()
        await asyncio.to_thread(restarted.start)
        report(capsys, f"restarted after SIGKILL in {time.monotonic() - started:.1f} s")
        kafka = restarted
        assert not kafka.formatted
        assert kafka.bootstrap_servers == settings.bootstrap_servers

        assert by_key(await read_all(settings, topic)) == {
            stream.encode(): list(range(40)) for stream in streams
        }
    finally:
        kafka.stop()


async def test_sasl_scram_clients_the_project_configures_from_settings() -> None:
    kafka = ApacheKafka(scram_users={"qa-allocation": "s3cret"})
    try:
        await asyncio.to_thread(kafka.start)
        settings = KafkaSettings(
            bootstrap_servers=kafka.bootstrap_servers, security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-512", sasl_username="qa-allocation",
            sasl_password="s3cret",
        )
        topic = a_topic()
        await ensure_topics(settings, [topic])
        await publish(settings, topic, ["stream-a"], per_stream=3)
        # FastStream's broker, as the services build it, publishes over the same login.
        broker = kafka_broker(settings)
        await broker.start()
        try:
            await broker.publish(b"3", topic=topic, key=b"stream-a")
        finally:
            await broker.stop()
        assert by_key(await read_all(settings, topic)) == {b"stream-a": [0, 1, 2, 3]}

        wrong = settings.model_copy(update={"sasl_username": "qa-intruder"})
        intruder = producer(wrong)
        with pytest.raises(KafkaError):
            await intruder.start()
        await intruder.stop()
    finally:
        kafka.remove()


async def test_clear_errors_when_the_port_is_taken_or_the_broker_exits(
    tmp_path: Path,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        kafka = ApacheKafka(tmp_path / "taken", port=taken.getsockname()[1])
        with pytest.raises(KafkaStartError, match="is taken"):
            kafka.start()
    # A setting the broker refuses (on a formatted folder, so it is the broker that reads
    # it, not the format step): it exits during start-up and the error shows why.
    formatted = ApacheKafka(tmp_path / "broken")
    formatted.start()
    formatted.stop()
    broken = ApacheKafka(tmp_path / "broken", config={"num.io.threads": "zero"})
    with pytest.raises(KafkaStartError, match=r"exited during start-up(.|\n)*num.io.threads"):
        broken.start()


def test_clear_errors_without_java_or_maven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ensure_libs()  # the real fetch works here; now take the tools away
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(KafkaUnavailable, match="Java 17"):
        ApacheKafka(tmp_path / "no-java").start()
    monkeypatch.setenv("QA_KAFKA_LIBS", str(tmp_path / "empty"))
    with pytest.raises(KafkaUnavailable, match=rf"Kafka {pinned_version()}(.|\n)*Maven"):
        ensure_libs()


# --- three nodes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
async def cluster() -> AsyncIterator[KafkaCluster]:
    """Shared by the module's cluster tests (a start costs ~10 s); each test starts with
    every node running."""
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


class Writers:
    """One task per stream, each sending its next number once the last is acknowledged
    (as the relay does), at a steady pace, noting when each acknowledgement came."""

    def __init__(self, settings: KafkaSettings, topic: str, streams: int,
                 interval: float = 0.02) -> None:
        self.settings, self.topic, self.interval = settings, topic, interval
        self.streams = [new_stream_id("case") for _ in range(streams)]
        self.acked: dict[str, list[float]] = {stream: [] for stream in self.streams}
        self.partition: dict[str, int] = {}
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Writers:
        self._producer = producer(self.settings)
        await self._producer.start()
        self._tasks = [asyncio.create_task(self._write(s)) for s in self.streams]
        return self

    async def __aexit__(self, *_: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        await self._producer.stop()

    async def _write(self, stream: str) -> None:
        while not self._stop.is_set():
            sequence = len(self.acked[stream])
            metadata = await self._producer.send_and_wait(
                self.topic, str(sequence).encode(), key=stream.encode()
            )
            self.partition[stream] = metadata.partition
            self.acked[stream].append(time.monotonic())
            await asyncio.sleep(self.interval)

    def total(self) -> int:
        return sum(len(times) for times in self.acked.values())

    def first_ack_after(self, instant: float, partition: int) -> float:
        return min(
            next(t for t in self.acked[s] if t > instant)
            for s in self.streams
            if self.partition.get(s) == partition and any(t > instant for t in self.acked[s])
        )

    def longest_stall(self) -> float:
        return max(b - a for times in self.acked.values() for a, b in pairwise(times))


async def until(check: Callable[[], bool | Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while True:
        answer = check()
        if await answer if inspect.isawaitable(answer) else answer:
            return
        assert time.monotonic() < deadline, f"{what} not within {within} s"
        await asyncio.sleep(0.1)


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_three_nodes_a_sigkilled_leader_loses_nothing_and_duplicates_nothing(
    all_nodes_up: KafkaCluster, capsys: pytest.CaptureFixture[str],
) -> None:
    cluster = all_nodes_up
    settings = KafkaSettings(
        bootstrap_servers=cluster.bootstrap_servers, idempotent_producer=True,
        topic_replication_factor=3, min_insync_replicas=2,
    )
    topic = a_topic()
    await ensure_topics(settings, [topic])
    await cluster.wait_fully_in_sync(topic)

    async with Writers(settings, topic, streams=12) as writers:
        await until(lambda: writers.total() > 300, 30, "a first 300 acknowledgements")
        watched = writers.partition[writers.streams[0]]
        victim = await cluster.leader_of(topic, watched)
        killed_at = time.monotonic()
        cluster.kill(victim)

        async def leader_moved() -> bool:
            try:
                return await cluster.leader_of(topic, watched) not in (victim, -1)
            except Exception:  # metadata from a node that is itself catching up
                return False

        await until(leader_moved, 60, f"a new leader for partition {watched}")
        new_leader = await cluster.leader_of(topic, watched)
        elected = time.monotonic() - killed_at
        await until(lambda: writers.acked[writers.streams[0]][-1] > killed_at, 60,
                    f"an acknowledgement on partition {watched} after the kill")
        resumed = writers.first_ack_after(killed_at, watched) - killed_at

        restarting = time.monotonic()
        await asyncio.to_thread(cluster.restart, victim)
        restarted = time.monotonic() - restarting
        caught_up = await cluster.wait_fully_in_sync(topic)
        await asyncio.sleep(1)
    report(capsys, f"SIGKILLed node {victim} (leader of partition {watched}): node {new_leader} "
           f"led it "
           f"after {elected:.1f} s; writes to it resumed after {resumed:.1f} s; longest stall "
           f"of any stream {writers.longest_stall():.1f} s; node {victim} restarted in "
           f"{restarted:.1f} s and was back in every ISR {caught_up:.1f} s later; "
           f"{writers.total()} messages acknowledged")

    found = by_key(await read_all(settings, topic))
    assert found.keys() == {s.encode() for s in writers.streams}
    for stream in writers.streams:
        # Exactly the acknowledged numbers, each once, in the order sent.
        assert found[stream.encode()] == list(range(len(writers.acked[stream]))), stream


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_three_nodes_committed_offsets_survive_the_group_coordinator_sigkilled(
    all_nodes_up: KafkaCluster, capsys: pytest.CaptureFixture[str],
) -> None:
    cluster = all_nodes_up
    settings = KafkaSettings(
        bootstrap_servers=cluster.bootstrap_servers, idempotent_producer=True,
        topic_replication_factor=3, min_insync_replicas=2,
    )
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

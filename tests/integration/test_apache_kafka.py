"""Against a real Apache Kafka (KRaft) whose jars Maven fetches (shared/infra/apache_kafka.py).

Java and Maven are required, not optional: where they are missing these tests fail and
say so, rather than skip and pass unseen. The session's Apache Kafka node (the `kafka`
fixture) where a test only needs a broker; nodes of their own where a test stops, breaks
or configures one. The three-node cluster: test_kafka_cluster.py.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import InvalidReplicationFactorError, KafkaError

from shared.infra.apache_kafka import (
    ApacheKafka,
    KafkaStartError,
    KafkaUnavailable,
    ensure_libs,
    pinned_version,
)
from shared.kernel.identifiers import new_stream_id
from shared.messaging.faststream_wiring import kafka_broker
from shared.messaging.kafka import connection_options, ensure_topics, producer
from shared.settings import KafkaSettings
from tests.kafka_support import a_topic, by_key, publish, read_all
from tests.messaging_support import report

pytestmark = pytest.mark.broker("apache")


async def test_topic_created_by_the_project_then_an_idempotent_round_trip_in_order(
    kafka: KafkaSettings,
) -> None:
    settings = kafka
    assert settings.idempotent_producer
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


async def test_a_topic_the_broker_refuses_is_an_error_not_silence(kafka: KafkaSettings) -> None:
    settings = kafka.model_copy(update={"topic_replication_factor": 3})  # one node only
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
        # After SIGKILL, with a new launcher on the folder: test_relay_and_consumer.py's
        # test_relay_rides_out_an_apache_kafka_restart_without_re_publishing.

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

"""aiokafka plumbing shared by the relay, the consumers and the tests."""

from __future__ import annotations

import time
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code
from aiokafka.helpers import create_ssl_context

from shared.settings import KafkaSettings


def connection_options(settings: KafkaSettings) -> dict[str, Any]:
    """The bootstrap servers and security options every aiokafka client is given."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "security_protocol": settings.security_protocol,
    }
    if settings.security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = create_ssl_context(cafile=settings.ssl_cafile)
    if settings.security_protocol.startswith("SASL_"):
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = (
            settings.sasl_password.get_secret_value() if settings.sasl_password else None
        )
    return options


def producer(settings: KafkaSettings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        **connection_options(settings),
        enable_idempotence=settings.idempotent_producer,
        acks="all",
        linger_ms=0,
        request_timeout_ms=15000,
        # aiokafka keeps one request in flight per broker, so retries cannot reorder a
        # partition even with idempotence off.
        retry_backoff_ms=100,
        # One relay batch (at most 200 events of a few KB) fits one record batch per
        # partition, so a failed send fails all of a partition's share together and is
        # re-sent in order from the checkpoint, never overtaken by a later event.
        max_batch_size=1_048_576,
        max_request_size=2_097_152,
    )


def topic_configs(settings: KafkaSettings) -> dict[str, str]:
    """The per-topic settings given to the topics this platform creates (None: the
    broker's default). A topic that already exists keeps its own: they are not altered."""
    configs = {}
    if settings.min_insync_replicas is not None:
        configs["min.insync.replicas"] = str(settings.min_insync_replicas)
    if settings.topic_retention_ms is not None:
        configs["retention.ms"] = str(settings.topic_retention_ms)
    return configs


async def ensure_topics(settings: KafkaSettings, topics: list[str], *,
                        partitions: int | None = None,
                        config: dict[str, str] | None = None) -> None:
    """Create whichever of `topics` is missing (with `settings.topic_partitions` partitions
    unless `partitions` says otherwise, and any extra topic `config`)."""
    admin = AIOKafkaAdminClient(**connection_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        configs = {**topic_configs(settings), **(config or {})}
        wanted = [
            NewTopic(name=topic, num_partitions=partitions or settings.topic_partitions,
                     replication_factor=settings.topic_replication_factor, topic_configs=configs)
            for topic in topics
            if topic not in existing
        ]
        if wanted:
            response = await admin.create_topics(wanted)
            # The answer carries an error per topic rather than raising: without this
            # check a refused topic (say, more replicas than brokers) passes unnoticed and
            # its producers wait for it forever.
            for result in response.to_object()["topic_errors"]:
                code = result["error_code"]
                if code and code != TopicAlreadyExistsError.errno:
                    raise for_code(code)(
                        f"creating topic {result['topic']}: {result.get('error_message')}"
                    )
    finally:
        await admin.close()


async def messages_on_topic(settings: KafkaSettings, topic: str) -> int:
    """How many messages a topic has ever held (sum of end offsets); 0 if it is missing.
    (The relay asks it only to notice that tansu lost everything in a restart.)"""
    consumer = AIOKafkaConsumer(**connection_options(settings))
    await consumer.start()
    try:
        partitions = await consumer._client.fetch_all_metadata()
        ids = partitions.partitions_for_topic(topic) or set()
        if not ids:
            return 0
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in ids])
        return int(sum(ends.values()))
    finally:
        await consumer.stop()


def marker_topic(topic: str) -> str:
    """Where the relay of `topic` keeps its broker epoch marker."""
    return f"{topic}.epoch"


async def ensure_marker_topic(settings: KafkaSettings, topic: str) -> None:
    # Compacted: a durable broker keeps the latest record of each key for good, where a
    # deleting retention policy would drop the marker after a week and fake a loss.
    await ensure_topics(settings, [marker_topic(topic)], partitions=1,
                        config={"cleanup.policy": "compact"})


async def read_marker(settings: KafkaSettings, topic: str, key: str,
                      patience: float = 15.0) -> str | None:
    """The latest value written under `key` to `topic`'s marker, or None if there is none.

    Reads the one-partition marker topic from its start up to the high watermark of a fetch
    answer (which comes with every answer, records or not), so "none" is the broker's word,
    never a fetch that had not come back yet. Raises TimeoutError rather than guess."""
    consumer = AIOKafkaConsumer(**connection_options(settings), enable_auto_commit=False,
                                fetch_max_wait_ms=50, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partition = TopicPartition(marker_topic(topic), 0)
        consumer.assign([partition])
        consumer.seek(partition, 0)  # (before a compaction-moved start: reset to earliest)
        found: str | None = None
        deadline = time.monotonic() + patience
        while True:
            batch = await consumer.getmany(partition, timeout_ms=100)
            for record in batch.get(partition, []):
                if record.key is not None and record.key.decode() == key:
                    found = record.value.decode() if record.value is not None else None
            highwater = consumer.highwater(partition)
            if highwater is not None and await consumer.position(partition) >= highwater:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"no answer from the broker about {marker_topic(topic)}")
    finally:
        await consumer.stop()


async def write_marker(kafka: AIOKafkaProducer, topic: str, key: str, value: str) -> None:
    await kafka.send_and_wait(marker_topic(topic), value.encode(), key=key.encode(), partition=0)

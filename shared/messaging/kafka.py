"""aiokafka plumbing shared by the relay, the consumers and the tests."""

from __future__ import annotations

import contextlib

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.settings import KafkaSettings


def producer(settings: KafkaSettings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
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


async def ensure_topics(settings: KafkaSettings, topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name=topic, num_partitions=settings.topic_partitions, replication_factor=1)
            for topic in topics
            if topic not in existing
        ]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
    finally:
        await admin.close()


async def messages_on_topic(settings: KafkaSettings, topic: str) -> int:
    """How many messages a topic has ever held (sum of end offsets); 0 if it is missing."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers)
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

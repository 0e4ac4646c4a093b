"""aiokafka plumbing shared by the relay, the consumers and the tests."""

from __future__ import annotations

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


async def ensure_topics(settings: KafkaSettings, topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(**connection_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        configs = topic_configs(settings)
        wanted = [
            NewTopic(name=topic, num_partitions=settings.topic_partitions,
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

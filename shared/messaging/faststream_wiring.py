"""Attaching EventConsumers to a FastStream Kafka broker."""

from __future__ import annotations

import logging
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from shared.messaging.consumer import EventConsumer
from shared.settings import KafkaSettings


def kafka_broker(settings: KafkaSettings, **kwargs: Any) -> KafkaBroker:
    return KafkaBroker(
        settings.bootstrap_servers,
        enable_idempotence=settings.idempotent_producer,
        acks="all",
        # Our logging, not FastStream's stdout handler; per-message lines at DEBUG.
        logger=logging.getLogger("qa.consumer"),
        log_level=logging.DEBUG,
        **kwargs,
    )


def attach(broker: KafkaBroker, consumer: EventConsumer, settings: KafkaSettings) -> None:
    async def publish(value: bytes, topic: str, key: bytes | None, headers: dict[str, str]) -> None:
        await broker.publish(value, topic=topic, key=key, headers=headers)

    consumer.publish = publish

    async def on_event(message: KafkaMessage) -> None:
        await consumer.deliver(message.raw_message, message.consumer)

    on_event.__name__ = f"on_{consumer.name.replace('-', '_').replace('.', '_')}"
    subscriber = broker.subscriber(
        *consumer.topics,
        group_id=consumer.name,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.session_timeout_ms,
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
        max_poll_interval_ms=60_000,
        rebalance_timeout_ms=10_000,
        title=f"{consumer.name}",
    )
    subscriber(on_event)
    consumer.is_running = lambda: bool(
        subscriber.running and subscriber.consumer is not None
        and any(not task.done() for task in subscriber.tasks))

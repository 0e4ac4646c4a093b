"""Attaching EventConsumers to a FastStream Kafka broker."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from shared.messaging.consumer import EventConsumer
from shared.messaging.kafka import connection_options
from shared.settings import KafkaSettings

_SASL: dict[str, type[SASLPlaintext | SASLScram256 | SASLScram512]] = {
    "PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512,
}


def security(settings: KafkaSettings) -> BaseSecurity | None:
    """The same security as the aiokafka clients get, in FastStream's terms."""
    if settings.security_protocol == "PLAINTEXT":
        return None
    ssl_context = connection_options(settings).get("ssl_context")
    use_ssl = settings.security_protocol in ("SSL", "SASL_SSL")
    if settings.security_protocol == "SSL":
        return BaseSecurity(ssl_context=ssl_context, use_ssl=True)
    password = settings.sasl_password.get_secret_value() if settings.sasl_password else ""
    return _SASL[settings.sasl_mechanism](
        username=settings.sasl_username or "", password=password,
        ssl_context=ssl_context, use_ssl=use_ssl,
    )


class ConsumerGroupsBroker(KafkaBroker):
    """FastStream's Kafka broker, joining its consumer groups all at once.

    Each subscriber's start waits for its group's assignment (aiokafka), and FastStream
    starts them one after another: a service with three subscriptions joined three groups
    in turn, and the bundled tansu broker holds each static member's join and sync 3 s, so
    a restarted service took some 6 s more per group before consuming (issue #8's
    fail-over). The groups are independent, so they join concurrently. This restates
    FastStream 0.7's `start` (pinned below 0.8); the fail-over test fails if it drifts."""

    async def start(self) -> None:
        await self.connect()
        await asyncio.gather(*(subscriber.start() for subscriber in self.subscribers))
        for publisher in self.publishers:
            await publisher.start()
        self.running = True


def kafka_broker(settings: KafkaSettings, **kwargs: Any) -> KafkaBroker:
    return ConsumerGroupsBroker(
        settings.bootstrap_list,  # a cluster's several addresses: see bootstrap_list
        security=security(settings),
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
        group_instance_id=settings.group_instance_id,
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

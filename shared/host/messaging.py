"""A service's messaging side: its outbox relay, its consumers (one per subscription)
and its background jobs, started after the database side and stopped before it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from faststream.kafka import KafkaBroker

from shared.events import PUBLISHED_BY_EVERY_SERVICE, WITHDRAWN
from shared.host.dead_letter_desk import DeadLetterDesk
from shared.host.resources import ServiceResources
from shared.host.sampling import MetricsSampler
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import EventMetadata
from shared.kit.projection import Projection
from shared.kit.subscriptions import Reaction, Subscription
from shared.kit.unit_of_work import UnitOfWork
from shared.messaging.consumer import EventConsumer
from shared.messaging.faststream_wiring import attach, kafka_broker
from shared.messaging.inbox import Delivery, Handler
from shared.messaging.kafka import ensure_topics
from shared.messaging.relay import OutboxRelay
from shared.settings import KafkaSettings, dead_letter_topic, topic_for
from shared.telemetry.tracing import child_span, envelope_attributes

log = logging.getLogger(__name__)


class MessagingHost:
    def __init__(self, resources: ServiceResources, kafka: KafkaSettings) -> None:
        self.resources = resources
        self.definition = resources.definition
        self.kafka = kafka
        self.topic = topic_for(kafka.topic_prefix, self.definition.name)
        self.broker: KafkaBroker = kafka_broker(kafka)
        self.relay: OutboxRelay | None = None
        self.consumers: list[EventConsumer] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.desk = DeadLetterDesk(resources, self.consumer_named)

    def consumer_named(self, name: str) -> EventConsumer | None:
        return next((consumer for consumer in self.consumers if consumer.name == name), None)

    def topic_of(self, service: str) -> str:
        return topic_for(self.kafka.topic_prefix, service)

    def dead_letter_topic(self, subscription: Subscription) -> str:
        return dead_letter_topic(self.kafka.topic_prefix,
                                 f"{self.definition.name}.{subscription.name}")

    async def start(self) -> None:
        resources = self.resources
        self.relay = OutboxRelay(
            resources.store, resources.database.app_dsn, resources.schema, self.topic,
            self.kafka, poll_interval=resources.settings.relay_poll_interval,
            publishes={contract.type_name
                       for contract in [*self.definition.publishes, *PUBLISHED_BY_EVERY_SERVICE]},
            telemetry=resources.telemetry,
        )
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        if resources.checkpointer is not None:
            self._tasks.append(asyncio.create_task(
                resources.checkpointer.run(resources.settings.checkpoint_interval),
                name="checkpoints"))
        # Documents the topic in the AsyncAPI schema; the relay, not FastStream, publishes.
        self.broker.publisher(
            self.topic, title=f"{self.definition.name} events",
            description="Published by the outbox relay, keyed by stream id: "
            + ", ".join(c.type_name
                        for c in [*self.definition.publishes, *PUBLISHED_BY_EVERY_SERVICE]),
        )
        subscriptions = self.definition.subscriptions
        # Dead-letter topics too: on a Kafka without auto-creation a first poison message
        # would otherwise stall its partition.
        topics = {self.topic_of(source) for s in subscriptions for source in s.sources}
        topics |= {self.dead_letter_topic(s) for s in subscriptions}
        if subscriptions:
            await ensure_topics(self.kafka, sorted(topics))
        for subscription in subscriptions:
            consumer = EventConsumer(
                f"{self.kafka.topic_prefix}.{self.definition.name}.{subscription.name}",
                [self.topic_of(source) for source in subscription.sources],
                self._handlers(subscription), self.definition.registry, resources.pool,
                self.dead_letter_topic(subscription), tenant=resources.settings.tenant,
                passed_over=WITHDRAWN, subscription=subscription.name,
                telemetry=resources.telemetry, set_aside=self.desk.set_aside,
            )
            attach(self.broker, consumer, self.kafka)
            self.consumers.append(consumer)
            resources.telemetry.metrics.watch(consumer)
        try:
            # Joining consumer groups can stall on a broker that mishandles a departed
            # member (seen with tansu 0.6); fail loudly so a supervisor restarts us.
            await asyncio.wait_for(self.broker.start(), timeout=90)
        except TimeoutError as error:
            raise RuntimeError("could not join the consumer groups within 90 s") from error
        relay = self.relay
        self._tasks.append(asyncio.create_task(
            MetricsSampler(resources, lambda: relay.active.is_set()).run(), name="metrics"))
        for job in self.definition.jobs:
            name = getattr(job, "__name__", type(job).__name__)
            self._tasks.append(asyncio.create_task(job(resources.job_context()), name=name))
        log.info("%s started: schema %s, topic %s, %d consumer(s)", self.definition.name,
                 resources.schema, self.topic, len(self.consumers))

    def _handlers(self, subscription: Subscription) -> dict[type[EventContract], Handler]:
        projection = subscription.projection
        return {
            contract: self._handler(subscription, subscription.reactions.get(contract),
                                    projection if projection is not None
                                    and contract in projection.handles else None)
            for contract in subscription.handles
        }

    def _handler(self, subscription: Subscription, reaction: Reaction[Any] | None,
                 projection: Projection[Any] | None) -> Handler:
        resources = self.resources

        async def handle(delivery: Delivery) -> None:
            if reaction is not None:
                assert subscription.actor is not None  # Subscription.when insists on one
                metadata = EventMetadata.reacting_to(delivery.envelope, subscription.actor,
                                                     resources.clock.now())
                unit = UnitOfWork(resources.transactions.session(delivery.conn),
                                  self.definition.registry, metadata, cause=delivery.envelope)
                await reaction(delivery.event, unit)
            if projection is not None:
                with child_span(f"project {projection.name}",
                                envelope_attributes(delivery.envelope)):
                    await projection.apply(delivery.conn, delivery.envelope, delivery.event)

        return handle

    async def readiness(self) -> dict[str, str]:
        """The broker answers, the relay runs (active, or standby behind another replica),
        and every consumer is consuming."""
        checks: dict[str, str] = {}
        try:
            reachable = await self.broker.ping(timeout=2)
        except Exception:  # an unreachable broker must read as "down", not fail the probe
            reachable = False
        checks["broker"] = "ok" if reachable else "down"
        relay = self.relay
        if relay is None or not self._tasks or self._tasks[0].done():
            checks["relay"] = "down"
        else:
            checks["relay"] = "active" if relay.active.is_set() else "standby"
        for consumer in self.consumers:
            checks[f"consumer {consumer.name}"] = "ok" if consumer.is_running() else "down"
        return checks

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await self.broker.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

"""Consuming events at least once, taking effect exactly once, dead-lettering poison.

Acknowledgement policy. FastStream's default for Kafka (ACK_FIRST) auto-commits before
the handler runs, which is at-most-once; its `ack()` commits the position of every
assigned partition. Here subscribers run with AckPolicy.MANUAL, one message at a time,
and after the inbox transaction has committed we commit exactly this record's offset + 1
on its own partition. An offset is therefore never committed past a message that has
not taken effect; a crash between the two commits only causes a redelivery, which the
inbox turns into a no-op.

Failures. Infrastructure trouble (database or broker unreachable, serialisation
conflicts) is retried with capped exponential backoff for as long as it takes and never
dead-lettered. A message that cannot be decoded (malformed JSON, an envelope that fails
validation, a type or version no contract knows) is published to the consumer's
dead-letter topic with the error in its headers, and consumption carries on. Any other
error in a handler is retried a few times, then dead-lettered. A dead-lettered event
means later events of the same stream are applied without it: read models may be
incomplete for that stream until the event is repaired and replayed from the
dead-letter topic, and the log names the stream and event when it happens.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Mapping
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from shared.contracts import ContractRegistry, UndecodableEvent, describe_validation_error
from shared.envelope import Envelope
from shared.messaging.inbox import Handler, take_effect_once
from shared.postgres.event_store import ConcurrencyError

log = logging.getLogger(__name__)

TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    ConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.AdminShutdownError,
    ConcurrencyError,
    KafkaError,
)


def _safe(error: BaseException) -> str:
    # A validation error's text quotes the input, which may be personal data: the
    # dead-letter headers and the log get only locations and reasons.
    if isinstance(error, ValidationError):
        return describe_validation_error(error)
    return str(error)


class EventConsumer:
    """Routes events from topics to handlers by event type, through the inbox."""

    def __init__(
        self,
        name: str,
        topics: list[str],
        handlers: Mapping[str, Handler],
        registry: ContractRegistry,
        pool: asyncpg.Pool,
        dead_letter_topic: str,
        *,
        handler_attempts: int = 3,
        max_backoff: float = 5.0,
    ) -> None:
        self.name = name
        self.topics = topics
        self.handlers = dict(handlers)
        self.registry = registry
        self.pool = pool
        self.dead_letter_topic = dead_letter_topic
        self.handler_attempts = handler_attempts
        self.max_backoff = max_backoff
        self.publish: Any = None  # set by `attach`: async (value, topic, key, headers) -> None

    async def deliver(self, record: Any, kafka_consumer: AIOKafkaConsumer) -> None:
        await self._handle(record)
        await self._commit(record, kafka_consumer)

    async def _handle(self, record: Any) -> None:
        try:
            envelope = Envelope.from_json(record.value or b"")
            event = self.registry.decode(
                envelope.event_type, envelope.schema_version, envelope.payload
            )
        except (ValidationError, UndecodableEvent, ValueError) as error:
            await self._dead_letter(record, error, "undecodable")
            return
        handler = self.handlers.get(envelope.event_type)
        if handler is None:
            return  # a type every service knows, but this consumer does not act on
        attempt, backoff = 0, 0.05
        while True:
            try:
                applied = await take_effect_once(self.pool, self.name, envelope, event, handler)
            except TRANSIENT as error:
                log.warning(
                    "%s: transient failure on %s %s, retrying in %.2fs: %r",
                    self.name, envelope.event_type, envelope.event_id, backoff, error,
                )
            except Exception as error:
                attempt += 1
                if attempt >= self.handler_attempts:
                    log.error(
                        "%s: %s %s (stream %s v%d) failed %d times; dead-lettering",
                        self.name, envelope.event_type, envelope.event_id,
                        envelope.stream_id, envelope.stream_version, attempt,
                    )
                    await self._dead_letter(record, error, "handler-failed")
                    return
                log.warning("%s: handler error on %s, attempt %d: %r",
                            self.name, envelope.event_id, attempt, error)
            else:
                if not applied:
                    log.info("%s: %s already applied", self.name, envelope.event_id)
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    async def _dead_letter(self, record: Any, error: BaseException, reason: str) -> None:
        headers = {
            "dlt-reason": reason,
            "dlt-error": f"{type(error).__name__}: {_safe(error)}"[:2000],
            "dlt-traceback": "".join(traceback.format_tb(error.__traceback__))[-4000:],
            "dlt-consumer": self.name,
            "dlt-source-topic": record.topic,
            "dlt-source-partition": str(record.partition),
            "dlt-source-offset": str(record.offset),
        }
        log.error("%s: dead-lettering %s[%d]@%d: %s", self.name, record.topic,
                  record.partition, record.offset, headers["dlt-error"][:300])
        backoff = 0.05
        while True:
            try:
                await self.publish(record.value or b"", self.dead_letter_topic, record.key, headers)
                return
            except TRANSIENT as failure:
                log.warning("%s: dead-letter publish failed, retrying: %r", self.name, failure)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    async def _commit(self, record: Any, kafka_consumer: AIOKafkaConsumer) -> None:
        partition = TopicPartition(record.topic, record.partition)
        try:
            await kafka_consumer.commit({partition: record.offset + 1})
        except KafkaError as error:
            # Lost the partition in a rebalance: its new owner gets the record again and
            # the inbox makes that harmless.
            log.warning("%s: commit of %s@%d failed: %r", self.name, partition,
                        record.offset, error)

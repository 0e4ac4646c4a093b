"""Consuming events at least once, taking effect exactly once, dead-lettering poison.

Acknowledgement policy. FastStream's default for Kafka (ACK_FIRST) auto-commits before
the handler runs, which is at-most-once; its `ack()` commits the position of every
assigned partition. Here subscribers run with AckPolicy.MANUAL, one message at a time,
and after the inbox transaction has committed we commit exactly this record's offset + 1
on its own partition. An offset is therefore never committed past a message that has
not taken effect; a crash between the two commits only causes a redelivery, which the
inbox turns into a no-op.

Failures. Infrastructure trouble (database or broker unreachable, serialisation
conflicts, timeouts, a read-only database after failover, missing grants or tables while
a deployment is half done: see `is_transient`) is retried with capped exponential
backoff for as long as it takes and never dead-lettered. A message that cannot be
decoded (malformed JSON, an envelope that fails validation, a type or version no
contract knows, an upcaster that cannot cope) or that belongs to another tenant is
published to the consumer's dead-letter topic with the error in its headers, and
consumption carries on. An event every service knows but this consumer does not
handle, or a type withdrawn from the wire (`shared/events`), is passed over (the
decision is `shared/kit/routing.py`'s). Any other error in a handler is tried three
times, then dead-lettered. A dead-lettered event
means later events of the same stream are applied without it: read models may be
incomplete for that stream until the event is repaired and replayed from the
dead-letter topic, and the log names the stream and event when it happens.

A broker that lost its data. The relay stamps every record with its broker epoch and takes
a new one when it finds the broker lost what it had acknowledged, publishing everything
again from the first event (relay.py). A consumer whose group and committed offsets were
lost with it rejoins and starts from the beginning (auto_offset_reset=earliest); one that
kept fetching meanwhile may still hold a position inside the rebuilt log, past records it
never applied. So a record of an epoch this consumer has not met before on its partition,
anywhere but at the partition's start, sends it back to the start without applying or
committing anything; the inbox turns the repeats into no-ops. On a broker that keeps its
log the epoch never changes and this costs a header lookup per record.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable, Collection, Mapping
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from shared.kernel.contracts import ContractRegistry, EventContract, describe_validation_error
from shared.kernel.errors import ConcurrencyError
from shared.kit.routing import DeadLetter, PassOver, route
from shared.messaging.inbox import Handler, take_effect_once

log = logging.getLogger(__name__)

_TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    ConcurrencyError,
    KafkaError,
)
# SQLSTATE classes that say "the database cannot do this now", not "this event is bad":
# connection (08), transaction rollback (40), resources (53), object state / locks (55),
# operator intervention incl. statement timeout (57), system (58).
_TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "55", "57", "58"})
# A read-only standby after failover, or a deployment whose grants or schema are not in
# place yet: wait for the operator rather than dead-letter every message.
_TRANSIENT_SQLSTATES = frozenset({"25006", "42501", "42P01", "42703", "42883", "3D000", "3F000"})


def is_transient(error: BaseException) -> bool:
    if isinstance(error, _TRANSIENT_TYPES):
        return True
    if isinstance(error, asyncpg.PostgresError):
        state = str(getattr(error, "sqlstate", "") or "")
        return state[:2] in _TRANSIENT_SQLSTATE_CLASSES or state in _TRANSIENT_SQLSTATES
    return False


def describe(error: BaseException) -> str:
    """Type and reason, without the values involved: those may be personal data.
    (PostgreSQL messages can quote input, e.g. 'invalid input syntax ... "CH-0042"'.)"""
    if isinstance(error, ValidationError):
        return f"ValidationError: {describe_validation_error(error)}"
    if isinstance(error, asyncpg.PostgresError):
        constraint = getattr(error, "constraint_name", None)
        where = f" on {constraint}" if constraint else ""
        return f"{type(error).__name__} (SQLSTATE {getattr(error, 'sqlstate', '?')}){where}"
    return f"{type(error).__name__}: {error}"


class EventConsumer:
    """Routes events from topics to handlers by event type, through the inbox."""

    def __init__(
        self,
        name: str,
        topics: list[str],
        handlers: Mapping[type[EventContract], Handler],
        registry: ContractRegistry,
        pool: asyncpg.Pool,
        dead_letter_topic: str,
        *,
        handler_attempts: int = 3,
        max_backoff: float = 5.0,
        tenant: str | None = None,
        passed_over: Collection[str] = (),
    ) -> None:
        self.name = name
        self.topics = topics
        self.handlers = dict(handlers)
        self.registry = registry
        self.pool = pool
        self.dead_letter_topic = dead_letter_topic
        self.handler_attempts = handler_attempts
        self.max_backoff = max_backoff
        self.tenant = tenant
        self.passed_over = frozenset(passed_over)
        self.publish: Any = None  # set by `attach`: async (value, topic, key, headers) -> None
        # Set by `attach`: whether the subscriber is still consuming.
        self.is_running: Callable[[], bool] = lambda: False
        # The relay epochs met on each (topic, partition) by this process.
        self._epochs: dict[tuple[str, int], set[str]] = {}
        self.rewinds = 0

    async def deliver(self, record: Any, kafka_consumer: AIOKafkaConsumer) -> None:
        # Nothing may escape: under manual acknowledgement FastStream would log it and
        # move on, and the next record's commit would skip this one for good.
        if self._rewound_for_a_rebuilt_log(record, kafka_consumer):
            return
        await self._handle(record)
        await self._commit(record, kafka_consumer)

    def _rewound_for_a_rebuilt_log(self, record: Any, kafka_consumer: AIOKafkaConsumer) -> bool:
        epoch = next((value for key, value in record.headers or () if key == "relay_epoch"),
                     None)
        if not epoch:
            return False
        met = self._epochs.setdefault((record.topic, record.partition), set())
        new = bool(met) and epoch.decode() not in met
        met.add(epoch.decode())
        if not new or record.offset == 0:
            return False
        self.rewinds += 1
        log.warning("%s: %s[%d] was rebuilt by its relay (new epoch %s at offset %d): "
                    "reading it again from the start", self.name, record.topic,
                    record.partition, epoch.decode(), record.offset)
        kafka_consumer.seek(TopicPartition(record.topic, record.partition), 0)
        return True

    async def _handle(self, record: Any) -> None:
        routed = route(record.value, self.registry, self.handlers, tenant=self.tenant,
                       withdrawn=self.passed_over)
        if isinstance(routed, DeadLetter):
            await self._dead_letter(record, routed.error, routed.reason)
            return
        if isinstance(routed, PassOver):
            return
        envelope, event = routed.envelope, routed.event
        handler = self.handlers[type(event)]
        attempt, backoff = 0, 0.05
        while True:
            try:
                applied = await take_effect_once(self.pool, self.name, envelope, event, handler)
            except Exception as error:
                if is_transient(error):
                    log.warning(
                        "%s: transient failure on %s %s, retrying in %.2fs: %s",
                        self.name, envelope.event_type, envelope.event_id, backoff,
                        describe(error),
                    )
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
                attempt += 1
                if attempt >= self.handler_attempts:
                    log.error(
                        "%s: %s %s (stream %s v%d) failed %d times; dead-lettering",
                        self.name, envelope.event_type, envelope.event_id,
                        envelope.stream_id, envelope.stream_version, attempt,
                    )
                    await self._dead_letter(record, error, "handler-failed")
                    return
                log.warning("%s: handler error on %s, attempt %d: %s",
                            self.name, envelope.event_id, attempt, describe(error))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            if not applied:
                log.info("%s: %s already applied", self.name, envelope.event_id)
            return

    async def _dead_letter(self, record: Any, error: BaseException, reason: str) -> None:
        headers = {
            "dlt-reason": reason,
            "dlt-error": describe(error)[:2000],
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
            except Exception as failure:  # never drop it: the record is not committed yet
                log.warning("%s: dead-letter publish failed, retrying: %s", self.name,
                            describe(failure))
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

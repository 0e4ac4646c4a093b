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
committing anything; the inbox turns the repeats into no-ops. Two kinds of record are
held back (neither applied nor committed), because the relay publishes all they carry again
under its new epoch: a record of an epoch retired by a later one, and a record that takes
this process back to an offset it had read past, under the same epoch, with an event it
never applied (the relay's next records reaching the restarted broker before the relay
noticed; applied, they would overtake their streams' earlier events). On a broker that
keeps its log the epoch never changes and this costs a header lookup per record.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any, Literal

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry.trace import SpanKind
from pydantic import ValidationError

from shared.events.operations import MessageDeadLettered
from shared.kernel.contracts import (
    ContractRegistry,
    EventContract,
    describe_validation_error,
    personal_values,
)
from shared.kernel.envelope import Envelope
from shared.kernel.errors import ConcurrencyError
from shared.kernel.identifiers import STREAM_ID_PATTERN
from shared.kit.dead_letters import dead_letter_id
from shared.kit.routing import DeadLetter, PassOver, route
from shared.messaging.inbox import Handler, take_effect_once
from shared.telemetry import Telemetry
from shared.telemetry.context import logged_with
from shared.telemetry.tracing import (
    derived_span,
    envelope_attributes,
    publish_span_id,
    trace_id_of,
    work_span_id,
    working,
)

Reason = Literal["undecodable", "foreign-tenant", "handler-failed"]
ReplayOutcome = Literal["applied", "already-applied", "passed-over"]
# Records what a consumer set aside in its service's store (shared/kit/dead_letters.py).
SetAside = Callable[[MessageDeadLettered], Awaitable[None]]

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


def _epoch_of(record: Any) -> str | None:
    epoch = next((value for key, value in record.headers or () if key == "relay_epoch"),
                 None)
    return epoch.decode() if epoch else None


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
        subscription: str | None = None,
        telemetry: Telemetry | None = None,
        set_aside: SetAside | None = None,
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
        # The relay epochs met on each (topic, partition) by this process, in the order
        # met: the last is current, the others retired (everything under them was
        # published again under a later one).
        self._epochs: dict[tuple[str, int], list[str]] = {}
        # The furthest offset read on each partition since its epoch began or this
        # process last sent it back to the start.
        self._furthest: dict[tuple[str, int], int] = {}
        self.held_back = 0
        self.rewinds = 0
        self.subscription = subscription or name
        self._telemetry = telemetry or Telemetry.quiet()
        self._metrics = telemetry.metrics if telemetry is not None else None
        self._set_aside = set_aside
        # Where this process has got to on each partition, and the consumer that fetched
        # it (for the high-water marks): consumer lag and read-model staleness.
        self._next: dict[tuple[str, int], int] = {}
        self._kafka: AIOKafkaConsumer | None = None
        self._caught_up_at: float = time.monotonic()

    async def deliver(self, record: Any, kafka_consumer: AIOKafkaConsumer) -> None:
        # Nothing may escape: under manual acknowledgement FastStream would log it and
        # move on, and the next record's commit would skip this one for good.
        self._kafka = kafka_consumer
        if self._rewound_for_a_rebuilt_log(record, kafka_consumer):
            return
        if not await self._from_the_log_as_it_stands(record):
            return
        await self._handle(record)
        await self._commit(record, kafka_consumer)
        self._next[(record.topic, record.partition)] = record.offset + 1
        if not any(self.lag().values()):
            self._caught_up_at = time.monotonic()

    def lag(self) -> dict[tuple[str, int], int]:
        """Records on each partition assigned to this process that it has read from and
        not yet applied (from the high-water mark of its last fetch)."""
        kafka = self._kafka
        if kafka is None:
            return {}
        lag: dict[tuple[str, int], int] = {}
        try:
            assigned = kafka.assignment()
        except Exception:  # not subscribed (yet, or any more): nothing to report
            return {}
        for (topic, partition), position in self._next.items():
            here = TopicPartition(topic, partition)
            if here not in assigned:
                continue  # moved to another member in a rebalance: its lag is theirs
            highwater = kafka.highwater(here)
            if highwater is not None:
                lag[(topic, partition)] = max(0, highwater - position)
        return lag

    def behind_since(self) -> float | None:
        """When it was last seen caught up (after a record, or at a scrape), if it is
        behind now: an idle consumer that falls behind is not counted stale for the idle
        hours before."""
        if any(self.lag().values()):
            return self._caught_up_at
        self._caught_up_at = time.monotonic()
        return None

    def _rewound_for_a_rebuilt_log(self, record: Any, kafka_consumer: AIOKafkaConsumer) -> bool:
        epoch = _epoch_of(record)
        if epoch is None:
            return False
        where = (record.topic, record.partition)
        met = self._epochs.setdefault(where, [])
        new = bool(met) and epoch not in met
        if epoch not in met:
            met.append(epoch)
            self._furthest.pop(where, None)
        if not new or record.offset == 0:
            return False
        self.rewinds += 1
        log.warning("%s: %s[%d] was rebuilt by its relay (new epoch %s at offset %d): "
                    "reading it again from the start", self.name, record.topic,
                    record.partition, epoch, record.offset)
        kafka_consumer.seek(TopicPartition(record.topic, record.partition), 0)
        self._furthest.pop(where, None)
        return True

    async def _from_the_log_as_it_stands(self, record: Any) -> bool:
        """Whether to hand this record on, or hold it back as a leftover of a log the
        broker lost. A broker restarted empty may take a relay's next records before the
        relay notices the loss: they come under the old epoch at offsets this process has
        read past, and applying them would put them ahead of their streams' earlier
        events. Such a record (one not yet applied) and any record of a retired epoch is
        held back: the relay publishes everything again under a new epoch, which sends
        this process back to the start (above). Records read again after a rebalance are
        ones applied already (the inbox tells), so they pass."""
        epoch = _epoch_of(record)
        if epoch is None:
            return True
        where = (record.topic, record.partition)
        met = self._epochs.get(where, [])
        if met and epoch != met[-1]:
            self.held_back += 1
            log.info("%s: %s[%d] offset %d is of a retired relay epoch %s: passed over, "
                     "published again under %s", self.name, record.topic, record.partition,
                     record.offset, epoch, met[-1])
            return False
        furthest = self._furthest.get(where, -1)
        self._furthest[where] = max(furthest, record.offset)
        if record.offset > furthest or await self._applied_already(record):
            return True
        self.held_back += 1
        log.warning("%s: %s[%d] went back to offset %d (read up to %d) under the same relay "
                    "epoch with an event not applied here: the broker lost its log; held "
                    "back until the relay publishes it again", self.name, record.topic,
                    record.partition, record.offset, furthest)
        return False

    async def _applied_already(self, record: Any) -> bool:
        event_id = next((value for key, value in record.headers or () if key == "event_id"),
                        None)
        if event_id is None:
            return True  # not ours to judge: the inbox decides as ever
        try:
            known = uuid.UUID(event_id.decode())
        except ValueError:
            return True
        async with self.pool.acquire() as conn:
            return bool(await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2)",
                self.name, known))

    async def _handle(self, record: Any) -> None:
        routed = route(record.value, self.registry, self.handlers, tenant=self.tenant,
                       withdrawn=self.passed_over)
        if isinstance(routed, DeadLetter):
            await self._dead_letter(record, routed.error, routed.reason)
            return
        if isinstance(routed, PassOver):
            return
        envelope = routed.envelope
        with self._handling(envelope, routed.event):
            await self._apply(record, routed.envelope, routed.event)

    def _handling(self, envelope: Envelope, event: EventContract
                  ) -> contextlib.AbstractContextManager[Any]:
        """The span of this event's handling here (a child of its publish span, so the
        trace crosses services), and its ids on every log line meanwhile, with its personal
        values kept out of them."""
        telemetry = self._telemetry
        span = derived_span(
            telemetry.tracer, f"handle {envelope.event_type}",
            trace_id=trace_id_of(envelope.correlation_id),
            span_id=work_span_id(telemetry.service, envelope.event_id),
            parent_span_id=publish_span_id(envelope.event_id), kind=SpanKind.CONSUMER,
            attributes={**envelope_attributes(envelope), "qa.service": telemetry.service,
                        "qa.consumer": self.name})
        stack = contextlib.ExitStack()
        stack.enter_context(working(telemetry.tracer, span))
        stack.enter_context(logged_with(
            personal_values(event), event_id=envelope.event_id, event_type=envelope.event_type,
            correlation_id=envelope.correlation_id, causation_id=envelope.causation_id))
        return stack

    async def _apply(self, record: Any, envelope: Envelope, event: EventContract) -> None:
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
            self._count(envelope, applied)
            return

    def _count(self, envelope: Any, applied: bool) -> None:
        if not applied:
            log.info("%s: %s already applied", self.name, envelope.event_id)
        if self._metrics is None:
            return
        service = self._metrics.service
        if applied:
            self._metrics.events_applied.labels(service, self.subscription,
                                                envelope.event_type).inc()
            delay = time.time() - envelope.occurred_at.timestamp()
            self._metrics.delivery_delay.labels(service, self.subscription).observe(
                max(0.0, delay))
        else:
            self._metrics.inbox_repeats.labels(service, self.subscription).inc()

    async def replay(self, value: bytes) -> ReplayOutcome:
        """Hand a dead-lettered record to this consumer again, once, through its inbox:
        harmless if it already took effect. Raises ReplayFailed if it still cannot be
        applied (the caller records that; nothing is published)."""
        routed = route(value, self.registry, self.handlers, tenant=self.tenant,
                       withdrawn=self.passed_over)
        if isinstance(routed, DeadLetter):
            raise ReplayFailed(routed.reason, describe(routed.error))  # type: ignore[arg-type]
        if isinstance(routed, PassOver):
            return "passed-over"
        handler = self.handlers[type(routed.event)]
        try:
            with self._handling(routed.envelope, routed.event):
                applied = await take_effect_once(self.pool, self.name, routed.envelope,
                                                 routed.event, handler)
        except Exception as error:
            if is_transient(error):
                raise
            raise ReplayFailed("handler-failed", describe(error)) from error
        self._count(routed.envelope, applied)
        return "applied" if applied else "already-applied"

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
        if self._metrics is not None:
            self._metrics.dead_letters.labels(self._metrics.service, self.subscription,
                                              reason).inc()
        if self._set_aside is not None:
            await self._record(self._set_aside, self._described(record, reason,
                                                                headers["dlt-error"]))
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

    async def _record(self, set_aside: SetAside, letter: MessageDeadLettered) -> None:
        backoff = 0.05
        while True:
            try:
                await set_aside(letter)
                return
            except Exception as failure:
                if not is_transient(failure):
                    # Not the store being down: retrying would stall the partition. The
                    # dead-letter topic still gets the record.
                    log.error("%s: could not record a dead letter: %s", self.name,
                              describe(failure))
                    return
                log.warning("%s: recording a dead letter failed, retrying: %s", self.name,
                            describe(failure))
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    def _described(self, record: Any, reason: str, error: str) -> MessageDeadLettered:
        value: bytes = record.value or b""
        try:
            text, encoding = value.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(value).decode("ascii"), "base64"
        known = _envelope_ids(value)
        epoch = next((v.decode(errors="replace") for k, v in record.headers or ()
                      if k == "relay_epoch"), "")
        event_id = known.get("event_id")
        ident = (dead_letter_id(self.name, str(event_id)) if event_id is not None else
                 dead_letter_id(self.name, record.topic, str(record.partition),
                                str(record.offset), epoch))
        key = record.key.decode("utf-8", errors="replace") if record.key else None
        return MessageDeadLettered(
            dead_letter_id=ident, consumer=self.name, subscription=self.subscription,
            source_topic=record.topic, partition=record.partition, offset=record.offset,
            key=key, value=text, value_encoding=encoding, reason=reason,
            error=error[:2000], event_id=event_id, event_type=known.get("event_type"),
            stream_id=known.get("stream_id"))

    async def _commit(self, record: Any, kafka_consumer: AIOKafkaConsumer) -> None:
        partition = TopicPartition(record.topic, record.partition)
        try:
            await kafka_consumer.commit({partition: record.offset + 1})
        except KafkaError as error:
            # Lost the partition in a rebalance: its new owner gets the record again and
            # the inbox makes that harmless.
            log.warning("%s: commit of %s@%d failed: %r", self.name, partition,
                        record.offset, error)


_EVENT_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,127}")
_STREAM_ID = re.compile(STREAM_ID_PATTERN.removeprefix("^").removesuffix("$"))


class ReplayFailed(Exception):
    def __init__(self, reason: Reason, error: str) -> None:
        super().__init__(error)
        self.reason: Reason = reason
        self.error = error


def _envelope_ids(value: bytes) -> dict[str, Any]:
    """What can be read of a record's envelope even when it does not validate: its event
    id, type and stream, each only if it looks like one."""
    try:
        loaded = json.loads(value)
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    found: dict[str, Any] = {}
    with contextlib.suppress(KeyError, ValueError):
        found["event_id"] = uuid.UUID(str(loaded["event_id"]))
    for name, form in (("event_type", _EVENT_TYPE), ("stream_id", _STREAM_ID)):
        text = loaded.get(name)
        if isinstance(text, str) and len(text) <= 128 and form.fullmatch(text):
            found[name] = text
    return found

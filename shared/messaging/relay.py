"""The transactional outbox relay: publishes what the event store has committed.

The events table is the outbox: an event is published only after the transaction that
stored it has committed, in the store's commit order (see event_store), keyed by stream
id so a stream stays on one partition and in order. The checkpoint is advanced only
after the broker has acknowledged, so delivery is at least once; consumers' inboxes
make the repeats harmless.

Only the event types a service publishes (its wire contracts) go on its topic; its
internal events stay in its store, and the checkpoint moves past them.

One relay per store is active at a time (a PostgreSQL advisory lock held on its
listening connection); a second process waits as a standby. It wakes on NOTIFY from
the insert trigger and polls as a fallback.

A broker that lost what it had acknowledged. The bundled broker keeps everything in
memory: restarted, it comes back empty and creates the topic again on the next send, and
events the relay has handed over but some consumer had not yet read are gone. The relay
therefore keeps a broker epoch: a random id in its checkpoint row, written as the one
record of a compacted marker topic (`<topic>.epoch`, key = relay name) and stamped on
every record it publishes (header `relay_epoch`). It reads the marker back when it starts
and, while running, before it sends anything after any of its producer's connections
closed (a restarted broker always closes them). A marker that no longer says the epoch
means the broker lost data: the relay takes a new epoch and publishes everything again
from the first event, and consumers that meet the new epoch part-way through a partition
start that partition again from its beginning (consumer.py); their inboxes absorb the
repeats. As the last line, an acknowledged offset lower than one acknowledged before on
the same partition (a partition's offsets only grow on a broker that keeps its log) also
counts as a loss.

Why a marker and not the alternatives: end offsets (the earlier check, "topic empty")
are unreliable on the bundled broker, which under-reports them for multi-record batches,
and an empty-topic test misses a topic that a consumer's metadata request has already
re-created; a cluster id is fixed by the bundled broker's configuration, so it would need
our launcher's help and miss a broker started by anyone else; consumer groups' committed
offsets expire on Apache Kafka after a week of idleness, which would fake a loss. A
compacted topic keeps its latest record per key for good on a durable broker, so on
Apache Kafka the marker always matches and this never fires: the cost there is one fetch
when the relay starts and after a connection drops, and a 40-byte header per record.
Watching connections rather than probing before every batch keeps the publishing path
free of extra round trips, and catches a broker restarted while the relay was idle before
the relay sends into the new, empty log (which would put a new event ahead of the
history it re-publishes).
"""

# (Some 350 lines: the relay loop, its checkpoint and its recovery from a broker that lost
# its data share one state machine and are read together.)

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.conn import CloseReason

from shared.kernel.envelope import RecordedEvent
from shared.messaging.kafka import (
    ensure_marker_topic,
    ensure_topics,
    messages_on_topic,
    producer,
    read_marker,
    write_marker,
)
from shared.postgres.event_store import CommitPoint, EventStore
from shared.settings import KafkaSettings
from shared.telemetry import Telemetry
from shared.telemetry.tracing import publish_span

log = logging.getLogger(__name__)

_FIRST_BACKOFF = 0.005
_MAX_HORIZON_WAIT = 0.05
_HORIZON_WARNING = 10.0
_BUSY_BATCH = 20  # a batch this large means writers are ahead of us


@dataclass(frozen=True)
class RelayCheckpoint:
    point: CommitPoint
    published: int
    epoch: str | None = None


class BrokerLostData(Exception):
    """The broker no longer holds what it acknowledged: publish everything again."""


class OutboxRelay:
    def __init__(
        self,
        store: EventStore,
        admin_free_dsn: str,
        schema: str,
        topic: str,
        kafka: KafkaSettings,
        *,
        name: str = "kafka",
        batch_size: int = 200,
        poll_interval: float = 1.0,
        publishes: Collection[str] | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        """`publishes`: the event types that go on the topic (None: every type)."""
        self._store = store
        self._dsn = admin_free_dsn
        self._schema = schema
        self.topic = topic
        self._kafka = kafka
        self._name = name
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._publishes = None if publishes is None else frozenset(publishes)
        self._telemetry = telemetry or Telemetry.quiet()
        self._wake = asyncio.Event()
        self._reload = asyncio.Event()
        self.active = asyncio.Event()
        # Set when one of the producer's connections closes: check the broker before
        # sending anything more.
        self._suspect = False
        # This session's epoch, and the highest offset acknowledged on each partition.
        self._epoch = ""
        self._acked: dict[int, int] = {}
        # How many times this relay found the broker had lost data (tests, logs).
        self.losses_detected = 0

    async def checkpoint(self) -> RelayCheckpoint:
        row = await self._store.pool.fetchrow(
            """INSERT INTO relay_checkpoints (relay) VALUES ($1)
               ON CONFLICT (relay) DO UPDATE SET relay = EXCLUDED.relay
               RETURNING tx_id::text::bigint AS tx_id, global_position, published, epoch""",
            self._name,
        )
        assert row is not None
        return RelayCheckpoint(CommitPoint(row["tx_id"], row["global_position"]),
                               row["published"], row["epoch"])

    async def republish_from(self, point: CommitPoint | None = None) -> None:
        """Publish again everything after `point` (a broker that lost its data)."""
        point = point or CommitPoint()
        published = await self._store.count_up_to(point, self._publishes)
        await self._save(point, published, rewind=True)
        self._reload.set()
        self._wake.set()
        log.warning("relay %s.%s will re-publish after %s", self._schema, self._name, point)

    async def _save(self, point: CommitPoint, published: int, *, rewind: bool = False) -> None:
        # Only forward, unless re-publishing on purpose: a relay that lost its lock and
        # has not noticed yet must not drag the checkpoint back under its successor.
        await self._store.pool.execute(
            """INSERT INTO relay_checkpoints (relay, tx_id, global_position, published, updated_at)
               VALUES ($1, $2::text::xid8, $3, $4, now())
               ON CONFLICT (relay) DO UPDATE SET tx_id = EXCLUDED.tx_id,
                   global_position = EXCLUDED.global_position,
                   published = EXCLUDED.published, updated_at = now()
               WHERE $5 OR (relay_checkpoints.tx_id, relay_checkpoints.global_position)
                           < (EXCLUDED.tx_id, EXCLUDED.global_position)""",
            self._name,
            str(point.tx_id),
            point.global_position,
            published,
            rewind,
        )

    async def run(self) -> None:
        """Run until cancelled: wait to be the active relay, then relay."""
        while True:
            listener: asyncpg.Connection | None = None
            try:
                listener = await asyncpg.connect(self._dsn)
                lock = f"relay:{self._schema}:{self._name}"
                if not await listener.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", lock):
                    await listener.close()
                    listener = None
                    await asyncio.sleep(self._poll_interval)
                    continue
                await listener.add_listener(f"{self._schema}_events", self._on_notify)
                self.active.set()
                await self._relay_while_connected(listener)
            except asyncio.CancelledError:
                raise
            except BrokerLostData:
                continue  # a new session: topics made again, fresh metadata, from the start
            except Exception:
                log.exception("relay %s.%s failed; retrying", self._schema, self._name)
                await asyncio.sleep(self._poll_interval)
            finally:
                self.active.clear()
                if listener is not None and not listener.is_closed():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(listener.close())

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _relay_while_connected(self, listener: asyncpg.Connection) -> None:
        await ensure_topics(self._kafka, [self.topic])
        await ensure_marker_topic(self._kafka, self.topic)
        kafka = producer(self._kafka)
        self._watch_connections(kafka)
        await kafka.start()
        try:
            await self._check_broker(kafka)
            checkpoint = await self.checkpoint()
            point, published = checkpoint.point, checkpoint.published
            backoff = _FIRST_BACKOFF
            held_since: float | None = None
            warned = False
            waiting = await self._set_waiting(True)
            while not listener.is_closed():
                self._wake.clear()
                if self._suspect:
                    await self._check_broker(kafka)
                if self._reload.is_set():
                    self._reload.clear()
                    checkpoint = await self.checkpoint()
                    point, published = checkpoint.point, checkpoint.published
                batch = await self._store.read_committed(point, self._batch_size)
                if batch:
                    published += await self._publish(kafka, batch)  # raises BrokerLostData
                    point = CommitPoint(batch[-1].tx_id, batch[-1].global_position)
                    await self._save(point, published)
                    backoff = _FIRST_BACKOFF
                    if waiting and len(batch) >= _BUSY_BATCH:
                        # A backlog: we will be back for more at once, so spare the
                        # writers their NOTIFY until we run dry.
                        waiting = await self._set_waiting(False)
                    continue
                if await self._has_uncommitted_successors(point):
                    # Rows exist past the horizon: an older transaction is still open.
                    held_since = held_since or time.monotonic()
                    if time.monotonic() - held_since > _HORIZON_WARNING and not warned:
                        warned = True
                        log.warning(
                            "relay %s.%s: committed events are held back for %.0f s by an "
                            "older transaction still open on this PostgreSQL server (any "
                            "database); see pg_stat_activity for long-running transactions",
                            self._schema, self._name, time.monotonic() - held_since)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, _MAX_HORIZON_WAIT)
                    continue
                held_since, warned = None, False
                if not waiting:
                    # Ask for NOTIFY, then look once more before sleeping: a writer
                    # that saw the flag down may have committed just before it went up.
                    waiting = await self._set_waiting(True)
                    continue
                # A writer that saw the flag down and commits after our last look sends
                # no NOTIFY; a short first timeout, doubling while idle, bounds its wait.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=backoff)
                backoff = min(backoff * 2, self._poll_interval)
        finally:
            await kafka.stop()

    async def _set_waiting(self, waiting: bool) -> bool:
        await self._store.pool.execute(
            """INSERT INTO relay_wake (relay, waiting) VALUES ($1, $2)
               ON CONFLICT (relay) DO UPDATE SET waiting = EXCLUDED.waiting""",
            self._name, waiting,
        )
        return waiting

    async def _has_uncommitted_successors(self, point: CommitPoint) -> bool:
        return bool(
            await self._store.pool.fetchval(
                """SELECT EXISTS (SELECT 1 FROM events
                    WHERE (tx_id, global_position) > ($1::text::xid8, $2::bigint))""",
                str(point.tx_id),
                point.global_position,
            )
        )

    def _watch_connections(self, kafka: AIOKafkaProducer) -> None:
        """Note every connection of the producer that closes (other than at our own stop).

        aiokafka reconnects silently, so this is the only sign that the next send may go to
        another broker process. It wraps the client's close callback, which each new
        connection is given when it is made (aiokafka < 0.15, pinned; the broker-restart
        tests fail if it stops being called)."""
        client: Any = kafka.client
        closed = client._on_connection_closed

        def on_closed(conn: object, reason: object) -> None:
            if reason is not CloseReason.SHUTDOWN:
                self._suspect = True
                self._wake.set()
            closed(conn, reason)

        client._on_connection_closed = on_closed

    async def _check_broker(self, kafka: AIOKafkaProducer) -> None:
        """Raise BrokerLostData if the broker no longer holds what we handed it."""
        self._suspect = False
        checkpoint = await self.checkpoint()
        marker = await read_marker(self._kafka, self.topic, self._name)
        if checkpoint.epoch is None:
            # A first start, or a relay from before epochs: only an empty topic tells.
            if checkpoint.published and await messages_on_topic(self._kafka, self.topic) == 0:
                await self._broker_lost(kafka, f"topic {self.topic} is empty but "
                                        f"{checkpoint.published} events were published")
            epoch = uuid.uuid4().hex
            await self._store.pool.execute(
                "UPDATE relay_checkpoints SET epoch = $2 WHERE relay = $1", self._name, epoch)
            await write_marker(kafka, self.topic, self._name, epoch)
            self._epoch, self._acked = epoch, {}
        elif marker == checkpoint.epoch:
            self._epoch = checkpoint.epoch
        elif checkpoint.published == 0:
            # Nothing handed over under this epoch yet: nothing to lose, only to mark.
            await write_marker(kafka, self.topic, self._name, checkpoint.epoch)
            self._epoch, self._acked = checkpoint.epoch, {}
        else:
            await self._broker_lost(kafka, f"its marker says {marker or 'nothing'}, not this "
                                    f"relay's epoch {checkpoint.epoch}")

    async def _broker_lost(self, kafka: AIOKafkaProducer, why: str) -> None:
        """Take a new epoch, rewind to the first event, and start a new session."""
        epoch = uuid.uuid4().hex
        await self._store.pool.execute(
            """UPDATE relay_checkpoints SET tx_id = '0', global_position = 0, published = 0,
                      epoch = $2, updated_at = now() WHERE relay = $1""",
            self._name, epoch,
        )
        self.losses_detected += 1
        log.warning("relay %s.%s: the broker lost data (%s); new epoch %s, publishing "
                    "everything again from the first event", self._schema, self._name, why,
                    epoch)
        # The marker last: if we stop before writing it, the next check finds the loss again
        # and only publishes once more, which the consumers' inboxes absorb.
        await write_marker(kafka, self.topic, self._name, epoch)
        self._epoch, self._acked = epoch, {}
        raise BrokerLostData(why)

    async def _publish(self, kafka: AIOKafkaProducer, batch: list[RecordedEvent]) -> int:
        """Hands the batch's published types to the broker; how many it sent."""
        pending, spans = [], []
        for event in batch:
            envelope = event.envelope
            if self._publishes is not None and envelope.event_type not in self._publishes:
                continue
            spans.append(publish_span(self._telemetry, envelope))
            pending.append(
                await kafka.send(
                    self.topic,
                    value=event.text.encode("utf-8"),
                    key=envelope.stream_id.encode("utf-8"),
                    headers=[
                        ("event_type", envelope.event_type.encode()),
                        ("schema_version", str(envelope.schema_version).encode()),
                        ("event_id", str(envelope.event_id).encode()),
                        ("tenant", envelope.tenant.encode()),
                        ("service_area", envelope.service_area.encode()),
                        ("relay_epoch", self._epoch.encode()),
                    ],
                )
            )
        acknowledged = await asyncio.gather(*pending)
        for span in spans:
            span.end()
        before = dict(self._acked)
        for answer in acknowledged:
            self._acked[answer.partition] = max(answer.offset,
                                                self._acked.get(answer.partition, -1))
        went_back = [a for a in acknowledged if a.offset <= before.get(a.partition, -1)]
        if went_back:
            await self._broker_lost(kafka, f"partition {went_back[0].partition} acknowledged "
                                    f"offset {went_back[0].offset} after "
                                    f"{before[went_back[0].partition]}")
        return len(pending)

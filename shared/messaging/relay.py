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
"""

# (Some 250 lines: the relay loop, its checkpoint and its recovery from a broker that lost
# its data share one state machine and are read together.)

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.kernel.envelope import RecordedEvent
from shared.messaging.kafka import ensure_topics, messages_on_topic, producer
from shared.postgres.event_store import CommitPoint, EventStore
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)

_FIRST_BACKOFF = 0.005
_MAX_HORIZON_WAIT = 0.05
_HORIZON_WARNING = 10.0
_BUSY_BATCH = 20  # a batch this large means writers are ahead of us


@dataclass(frozen=True)
class RelayCheckpoint:
    point: CommitPoint
    published: int


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
        self._wake = asyncio.Event()
        self._reload = asyncio.Event()
        self.active = asyncio.Event()

    async def checkpoint(self) -> RelayCheckpoint:
        row = await self._store.pool.fetchrow(
            """INSERT INTO relay_checkpoints (relay) VALUES ($1)
               ON CONFLICT (relay) DO UPDATE SET relay = EXCLUDED.relay
               RETURNING tx_id::text::bigint AS tx_id, global_position, published""",
            self._name,
        )
        assert row is not None
        return RelayCheckpoint(CommitPoint(row["tx_id"], row["global_position"]), row["published"])

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
        kafka = producer(self._kafka)
        await kafka.start()
        try:
            await self._recover_lost_broker_data()
            checkpoint = await self.checkpoint()
            point, published = checkpoint.point, checkpoint.published
            backoff = _FIRST_BACKOFF
            held_since: float | None = None
            warned = False
            waiting = await self._set_waiting(True)
            while not listener.is_closed():
                self._wake.clear()
                if self._reload.is_set():
                    self._reload.clear()
                    checkpoint = await self.checkpoint()
                    point, published = checkpoint.point, checkpoint.published
                batch = await self._store.read_committed(point, self._batch_size)
                if batch:
                    published += await self._publish(kafka, batch)
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

    # tansu only (Apache Kafka never loses a topic's offsets): tested on tansu by
    # test_relay_republishes_when_tansu_comes_back_empty, and that it stays quiet on
    # Apache Kafka by test_relay_rides_out_an_apache_kafka_restart_without_re_publishing.
    async def _recover_lost_broker_data(self) -> None:
        """The bundled broker keeps nothing across a restart. If our topic is missing or
        empty although we have handed events over, the broker lost them: publish all
        again. (Kafka's end offsets never go down, so a topic with data is never taken
        for a lost one. Comparing counts would be finer, but tansu under-reports end
        offsets when a record batch holds several records.)"""
        checkpoint = await self.checkpoint()
        if checkpoint.published == 0:
            return
        if await messages_on_topic(self._kafka, self.topic) == 0:
            log.warning(
                "topic %s is empty but %d events were published: re-publishing all",
                self.topic, checkpoint.published,
            )
            await self.republish_from(CommitPoint())

    async def _publish(self, kafka: AIOKafkaProducer, batch: list[RecordedEvent]) -> int:
        """Hands the batch's published types to the broker; how many it sent."""
        pending = []
        for event in batch:
            envelope = event.envelope
            if self._publishes is not None and envelope.event_type not in self._publishes:
                continue
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
                    ],
                )
            )
        await asyncio.gather(*pending)
        return len(pending)

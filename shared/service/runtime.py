"""One service process: its database, relay, consumers and HTTP API, started and
stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import uvicorn
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from shared.actor import SystemProcess
from shared.clock import Clock, OffsetClock, SystemClock
from shared.contracts import EventContract
from shared.envelope import EventMetadata
from shared.events import REGISTRY
from shared.logging import configure_logging
from shared.messaging.consumer import EventConsumer
from shared.messaging.faststream_wiring import attach, kafka_broker
from shared.messaging.inbox import Delivery, Handler
from shared.messaging.kafka import ensure_topics
from shared.messaging.relay import OutboxRelay
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.provisioning import ServiceDatabase, provision
from shared.service.commands import CommandRunner, Projector, UnitOfWork
from shared.service.http import install_error_handlers
from shared.service.settings import ServiceSettings
from shared.settings import DatabaseSettings, KafkaSettings, dead_letter_topic, topic_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subscription:
    """A consumer group of this service: which services' events, which handlers."""

    name: str
    sources: list[str]
    handlers: dict[str, Handler]


async def _no_projection(*_: Any) -> None:
    return None


@dataclass
class ServiceDefinition:
    name: str
    migrations_package: str | None
    routers: list[APIRouter] = field(default_factory=list)
    projector: Projector = _no_projection
    subscriptions: Callable[[Runtime], list[Subscription]] = lambda _: []
    # The contracts this service publishes on its topic (for its AsyncAPI document).
    publishes: list[type[EventContract]] = field(default_factory=list)
    # Long-running jobs (e.g. the tracker's overdue scan), started after the service.
    background: list[Callable[[Runtime], Coroutine[Any, Any, None]]] = field(default_factory=list)
    description: str = ""


class Runtime:
    """What a running service's adapters share: pool, store, clock, command runner."""

    def __init__(self, definition: ServiceDefinition, settings: ServiceSettings,
                 database: DatabaseSettings, kafka: KafkaSettings) -> None:
        self.definition = definition
        self.settings = settings
        self.database_settings = database
        self.kafka = kafka
        self.schema = settings.db_schema or definition.name
        self.topic = topic_for(kafka.topic_prefix, definition.name)
        self.clock: Clock = (
            OffsetClock(settings.clock_offset_file) if settings.clock_offset_file else SystemClock()
        )
        self.registry = REGISTRY
        self.broker: KafkaBroker = kafka_broker(kafka)
        self._pool: asyncpg.Pool | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self._background: list[asyncio.Task[None]] = []
        self.database: ServiceDatabase | None = None
        self.store: EventStore
        self.commands: CommandRunner
        self.relay: OutboxRelay
        self.consumers: list[EventConsumer] = []

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "the service has not started"
        return self._pool

    def topic_of(self, service: str) -> str:
        return topic_for(self.kafka.topic_prefix, service)

    async def start(self) -> None:
        migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE)
        if self.definition.migrations_package:
            migrations += load_migrations(self.definition.migrations_package)
        self.database = await provision(
            self.database_settings.database_url, self.schema, migrations,
            app_password=self.database_settings.database_app_password,
        )
        self._pool = await create_pool(
            self.database.app_dsn, self.schema, max_size=self.database_settings.database_pool_max
        )
        self.store = EventStore(self._pool)
        self.commands = CommandRunner(
            self.store, self.registry, self.definition.projector, self.settings.tenant,
            self.clock.now,
        )
        self.relay = OutboxRelay(
            self.store, self.database.app_dsn, self.schema, self.topic, self.kafka,
            poll_interval=self.settings.relay_poll_interval,
        )
        self._relay_task = asyncio.create_task(self.relay.run(), name="outbox-relay")
        # Documents the topic in the AsyncAPI schema; the relay, not FastStream, publishes.
        self.broker.publisher(
            self.topic, title=f"{self.definition.name} events",
            description="Published by the outbox relay, keyed by stream id: "
            + ", ".join(c.type_name for c in self.definition.publishes),
        )
        subscriptions = self.definition.subscriptions(self)
        dead_letters = {
            s.name: dead_letter_topic(self.kafka.topic_prefix, f"{self.definition.name}.{s.name}")
            for s in subscriptions
        }
        # Dead-letter topics too: on a Kafka without auto-creation a first poison message
        # would otherwise stall its partition.
        topics = [self.topic_of(source) for s in subscriptions for source in s.sources]
        if topics:
            await ensure_topics(self.kafka, sorted({*topics, *dead_letters.values()}))
        for subscription in subscriptions:
            consumer = EventConsumer(
                f"{self.kafka.topic_prefix}.{self.definition.name}.{subscription.name}",
                [self.topic_of(source) for source in subscription.sources],
                subscription.handlers, self.registry, self.pool,
                dead_letters[subscription.name],
                tenant=self.settings.tenant,
            )
            attach(self.broker, consumer, self.kafka)
            self.consumers.append(consumer)
        try:
            # Joining consumer groups can stall on a broker that mishandles a departed
            # member (seen with tansu 0.6); fail loudly so a supervisor restarts us.
            await asyncio.wait_for(self.broker.start(), timeout=90)
        except TimeoutError as error:
            raise RuntimeError("could not join the consumer groups within 90 s") from error
        for job in self.definition.background:
            self._background.append(asyncio.create_task(job(self), name=job.__name__))
        log.info("%s started: schema %s, topic %s, %d consumer(s)", self.definition.name,
                 self.schema, self.topic, len(self.consumers))

    def unit_for(self, delivery: Delivery, actor: SystemProcess) -> UnitOfWork:
        """A unit of work inside a consumer's inbox transaction: events it records are
        caused by the delivered event and carry its correlation id."""
        metadata = EventMetadata(
            tenant=delivery.envelope.tenant,
            service_area=delivery.envelope.service_area,
            actor=actor,
            occurred_at=self.clock.now(),
            correlation_id=delivery.envelope.correlation_id,
            causation_id=delivery.envelope.event_id,
        )
        return UnitOfWork(delivery.conn, self.store, self.registry,
                          self.definition.projector, metadata)

    async def stop(self) -> None:
        for task in self._background:
            task.cancel()
        for task in self._background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.broker.stop()
        if self._relay_task is not None:
            self._relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay_task
        if self._pool is not None:
            await self._pool.close()


def create_app(runtime: Runtime) -> FastAPI:
    definition = runtime.definition

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=f"QA platform: {definition.name} service",
        description=definition.description,
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    for router in definition.routers:
        app.include_router(router)

    @app.get("/health", tags=["operations"])
    async def health() -> dict[str, Any]:
        relay_active = runtime.relay.active.is_set()
        return {"service": definition.name, "status": "ok", "relay_active": relay_active}

    @app.get("/asyncapi.json", tags=["operations"])
    async def asyncapi() -> Any:
        spec = AsyncAPI(runtime.broker, title=f"{definition.name} events", version="0.1.0")
        return spec.to_specification().to_jsonable()

    @app.get("/verify", tags=["operations"])
    async def verify() -> dict[str, Any]:
        report = await runtime.store.verify()
        return {
            "service": definition.name,
            "intact": report.intact,
            "events_checked": report.events_checked,
            "streams_checked": report.streams_checked,
            "breaks": [vars(b) for b in report.breaks],
        }

    return app


def serve(definition: ServiceDefinition) -> None:
    settings = ServiceSettings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    runtime = Runtime(definition, settings, DatabaseSettings(), KafkaSettings())
    app = create_app(runtime)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None,
                access_log=False)

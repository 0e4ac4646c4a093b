"""The tracker service run in-process by the real host (its HTTP app, relay, consumers
and jobs) over the real PostgreSQL and broker, with a clock the test moves; and a way to
put other services' events on their topics."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import asyncpg
import httpx

from services.tracker.bootstrap import TrackerSettings, definition
from shared.host.app import create_app
from shared.host.messaging import MessagingHost
from shared.host.resources import ServiceResources
from shared.host.settings import ServiceSettings
from shared.kernel.actor import SystemProcess
from shared.kernel.clock import ManualClock
from shared.kernel.contracts import ContractRegistry, EventContract
from shared.kernel.envelope import EventMetadata, seal
from shared.messaging.kafka import producer
from shared.settings import DatabaseSettings, KafkaSettings, topic_for

AREA = "childrens-social-care"
TENANT = "test-authority"


@dataclass
class Platform:
    """What one test's trackers share: the database schema, the topics, the clock."""

    postgres_dsn: str
    kafka: KafkaSettings
    schema: str
    clock: ManualClock
    notify_file: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Actor-Id": "qa-officer-1", "X-Actor-Role": "qa-officer"}

    async def count(self, event_type: str) -> int:
        conn = await asyncpg.connect(self.postgres_dsn)
        try:
            return int(await conn.fetchval(
                f"SELECT count(*) FROM {self.schema}.events WHERE event_type = $1", event_type))
        finally:
            await conn.close()

    async def events(self) -> int:
        conn = await asyncpg.connect(self.postgres_dsn)
        try:
            return int(await conn.fetchval(f"SELECT count(*) FROM {self.schema}.events"))
        finally:
            await conn.close()

    async def publish(self, service: str, stream: str, event: EventContract) -> None:
        """An event as `service` would publish it, recorded there now (the clock's now)."""
        await self.send(service, stream, self.sealed(stream, event, service))

    def sealed(self, stream: str, event: EventContract, service: str = "audit") -> bytes:
        """The record `service` would publish for `event`, recorded now."""
        correlation = uuid.uuid4()
        metadata = EventMetadata(tenant=TENANT, service_area=AREA,
                                 actor=SystemProcess(name=service),
                                 occurred_at=self.clock.now(), correlation_id=correlation,
                                 causation_id=correlation)
        [envelope] = seal(stream, 1, [event], metadata)
        return envelope.canonical_json().encode()

    async def send(self, service: str, key: str, value: bytes) -> None:
        """A record on `service`'s topic, as it is (a malformed one too)."""
        kafka = producer(self.kafka)
        await kafka.start()
        try:
            await kafka.send_and_wait(topic_for(self.kafka.topic_prefix, service), value,
                                      key=key.encode())
        finally:
            await kafka.stop()


@contextlib.asynccontextmanager
async def tracker(platform: Platform, registry: ContractRegistry | None = None
                  ) -> AsyncIterator[httpx.AsyncClient]:
    """One tracker process's worth, started and stopped like a service (`registry`: the
    contracts and upcasters it is deployed with, if not the tracker's own)."""
    settings = TrackerSettings(scan_interval=0.1, notify_interval=0.1,
                               notify_file=str(platform.notify_file))
    service = ServiceSettings(db_schema=platform.schema, service_areas=[AREA], tenant=TENANT,
                              relay_poll_interval=0.1, metrics_sample_interval=0.1)
    defined = definition(settings)
    if registry is not None:
        defined = replace(defined, registry=registry)
    resources = ServiceResources(defined, service,
                                 DatabaseSettings(database_url=platform.postgres_dsn),
                                 clock=platform.clock)
    app = create_app(resources, MessagingHost(resources, platform.kafka))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://tracker",
            headers=platform.headers, timeout=30) as client:
        yield client

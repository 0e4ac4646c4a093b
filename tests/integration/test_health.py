"""Readiness means ready: a service host (the tracker's: a relay, a consumer, a job) in
this process, on a PostgreSQL and a broker of its own, so that each can be stopped under
it. /health/ready answers 200 with every check ok, and 503 naming the check that failed
when either server goes; /health/live answers 200 throughout."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.host.app import create_app
from shared.host.messaging import MessagingHost
from shared.host.resources import ServiceResources
from shared.host.settings import ServiceSettings
from shared.infra.embedded_broker import EmbeddedBroker
from shared.infra.embedded_postgres import EmbeddedPostgres
from shared.settings import DatabaseSettings, KafkaSettings
from tests.support import DEFINITIONS

TRACKER = next(definition for definition in DEFINITIONS if definition.name == "tracker")
HEALTHY = {"ok", "active", "standby"}


@pytest.fixture
def own_postgres() -> Iterator[EmbeddedPostgres]:
    folder = Path(tempfile.mkdtemp(prefix="qa-health-pg-"))
    server = EmbeddedPostgres(folder / "data", durable=False)
    server.start()
    try:
        yield server
    finally:
        server.remove()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker()
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@contextlib.asynccontextmanager
async def running_host(database_url: str, bootstrap_servers: str
                       ) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """The host started as a service process starts it (its lifespan), answering over
    ASGI; yields a client and the instance id readiness must name."""
    instance = uuid.uuid4().hex
    settings = ServiceSettings(db_schema=f"health_{instance[:10]}", instance_id=instance,
                               relay_poll_interval=0.1)
    kafka = KafkaSettings(bootstrap_servers=bootstrap_servers, idempotent_producer=False,
                          topic_prefix=f"health{instance[:8]}")
    resources = ServiceResources(TRACKER, settings, DatabaseSettings(database_url=database_url))
    app = create_app(resources, MessagingHost(resources, kafka))
    transport = httpx.ASGITransport(app=app)
    async with (app.router.lifespan_context(app),
                httpx.AsyncClient(transport=transport, base_url="http://tracker") as client):
        yield client, instance


async def readiness(client: httpx.AsyncClient) -> tuple[int, dict[str, Any]]:
    answer = await client.get("/health/ready")
    assert answer.headers["content-type"] == "application/json"
    body: dict[str, Any] = answer.json()
    return answer.status_code, body


async def until_ready(client: httpx.AsyncClient, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, body = await readiness(client)
        if status == 200:
            return body
        assert time.monotonic() < deadline, f"never ready: {body}"
        await asyncio.sleep(0.2)


async def until_not_ready(client: httpx.AsyncClient, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, body = await readiness(client)
        if status == 503:
            return body
        assert status == 200
        assert time.monotonic() < deadline, f"still ready: {body}"
        await asyncio.sleep(0.2)


async def alive(client: httpx.AsyncClient) -> bool:
    answer = await client.get("/health/live")
    return answer.status_code == 200 and answer.json() == {"service": "tracker",
                                                           "status": "alive"}


def check_ready(body: dict[str, Any], instance: str) -> None:
    assert body["status"] == "ready"
    assert body["service"] == "tracker"
    assert body["instance"] == instance
    # The database, the broker, the relay and the tracker's one consumer.
    assert {"database", "broker", "relay"} <= set(body["checks"])
    assert any(name.startswith("consumer ") for name in body["checks"])
    assert set(body["checks"].values()) <= HEALTHY


async def test_readiness_turns_503_naming_the_broker_when_it_stops(
        postgres_dsn: str, own_broker: EmbeddedBroker) -> None:
    async with running_host(postgres_dsn, own_broker.bootstrap_servers) as (client, instance):
        check_ready(await until_ready(client), instance)
        assert await alive(client)

        own_broker.stop()
        body = await until_not_ready(client)
        assert body["status"] == "not ready"
        assert body["instance"] == instance
        assert body["checks"]["broker"] == "down"
        assert body["checks"]["database"] == "ok"
        assert await alive(client)


async def test_readiness_turns_503_naming_the_database_when_it_stops(
        own_postgres: EmbeddedPostgres, kafka: KafkaSettings) -> None:
    async with running_host(own_postgres.dsn, kafka.bootstrap_servers) as (client, instance):
        check_ready(await until_ready(client), instance)

        await asyncio.to_thread(own_postgres.stop)
        body = await until_not_ready(client)
        assert body["status"] == "not ready"
        assert body["checks"]["database"] == "down"
        assert body["checks"]["broker"] == "ok"
        assert await alive(client)

        # And back: readiness follows the server, not a verdict made once.
        await asyncio.to_thread(own_postgres.start)
        check_ready(await until_ready(client), instance)

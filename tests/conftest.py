from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from shared.infra.servers import kafka_server, postgres_server
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.provisioning import ServiceDatabase, drop_schema, provision
from shared.settings import KafkaSettings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for tier in ("unit", "integration", "e2e"):
            if f"tests/{tier}/" in str(item.path).replace("\\", "/"):
                item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    with postgres_server() as dsn:
        yield dsn


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaSettings]:
    with kafka_server() as settings:
        yield settings


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def service_db(postgres_dsn: str) -> AsyncIterator[ServiceDatabase]:
    schema = unique("t")
    database = await provision(
        postgres_dsn, schema, load_migrations(SHARED_MIGRATIONS_PACKAGE)
    )
    yield database
    await drop_schema(postgres_dsn, schema)


@pytest.fixture
async def pool(service_db: ServiceDatabase) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(service_db.app_dsn, service_db.schema, max_size=30)
    yield pool
    await pool.close()


@pytest.fixture
def store(pool: asyncpg.Pool) -> EventStore:
    return EventStore(pool)


@pytest.fixture
def topic() -> str:
    return unique("topic").replace("_", "-")

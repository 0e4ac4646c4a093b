"""Servers for the whole suite: one PostgreSQL, and each Kafka broker kind the suite runs
over, every one started on first use and shared by the tests until the session ends.

Every test that uses the broker (the `kafka` fixture, directly or through another
fixture) runs once per broker kind, `[tansu]` and `[apache]` in its id, as event-sourcing
libraries run one suite over every backend. A test that holds for one broker only says
so with `@pytest.mark.broker("tansu")` (and why, in a comment); QA_TEST_KAFKA=tansu or
=apache narrows a local run to one kind.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from shared.infra.servers import BROKERS, Broker, brokers_wanted, kafka_server, postgres_server
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.provisioning import ServiceDatabase, drop_schema, provision
from shared.settings import KafkaSettings


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "broker(*kinds): the test holds only on these broker kinds "
        f"(of {', '.join(BROKERS)}); it runs on them alone",
    )


def _wanted() -> list[Broker]:
    try:
        return brokers_wanted()
    except ValueError as error:  # a mistyped QA_TEST_KAFKA: say so, not a traceback
        raise pytest.UsageError(str(error)) from error


def _kinds_for(definition: pytest.Item | pytest.Function) -> tuple[list[Broker], list[Broker]]:
    """(the kinds this test runs on, the kinds it would run on but QA_TEST_KAFKA left out)."""
    marker = definition.get_closest_marker("broker")
    kinds: list[Broker] = list(marker.args) if marker else list(BROKERS)
    unknown = set(kinds) - set(BROKERS)
    if unknown:
        raise pytest.UsageError(f"{definition.nodeid}: no broker kind {sorted(unknown)}")
    wanted = _wanted()
    return ([k for k in kinds if k in wanted], [k for k in kinds if k not in wanted])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "kafka" not in metafunc.fixturenames:
        return
    running, left_out = _kinds_for(metafunc.definition)
    params = [pytest.param(kind, id=kind) for kind in running]
    # Left out on purpose for a local run: shown as skipped with the reason, never run
    # silently on a broker it does not hold for.
    params += [pytest.param(kind, id=kind, marks=pytest.mark.skip(
        reason=f"QA_TEST_KAFKA={','.join(_wanted())} leaves out {kind}"))
        for kind in left_out]
    # Session scope: pytest groups the tests by broker, and the server outlives them all.
    metafunc.parametrize("kafka", params, indirect=True, scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for tier in ("unit", "integration", "e2e"):
            if f"tests/{tier}/" in str(item.path).replace("\\", "/"):
                item.add_marker(getattr(pytest.mark, tier))
        # A broker-specific test that starts its own broker (not through `kafka`).
        if "kafka" not in getattr(item, "fixturenames", ()) and item.get_closest_marker("broker"):
            running, left_out = _kinds_for(item)
            if not running:
                item.add_marker(pytest.mark.skip(
                    reason=f"QA_TEST_KAFKA={','.join(_wanted())} leaves out "
                           f"{', '.join(left_out)}"))


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    with postgres_server() as dsn:
        yield dsn


class KafkaServers:
    """Each broker kind started on first use and kept until the session ends, so a kind
    starts once however pytest orders the tests (and not at all if none needs it)."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._running: dict[Broker, KafkaSettings] = {}

    def get(self, kind: Broker) -> KafkaSettings:
        if kind not in self._running:
            self._running[kind] = self._stack.enter_context(kafka_server(kind))
        return self._running[kind]


@pytest.fixture(scope="session")
def kafka_servers() -> Iterator[KafkaServers]:
    with contextlib.ExitStack() as stack:
        yield KafkaServers(stack)


@pytest.fixture(scope="session")
def kafka(request: pytest.FixtureRequest, kafka_servers: KafkaServers) -> KafkaSettings:
    """The broker of the kind this test instance runs on (see pytest_generate_tests)."""
    kind: Broker = request.param
    return kafka_servers.get(kind)


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

"""The five services as separate processes on the real servers, for one test module."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from cli.client import QaClient
from deploy.processes import SERVICES, ServiceProcess, service_processes
from shared.infra.ports import free_port_block
from shared.postgres.provisioning import drop_schema
from shared.settings import KafkaSettings
from shared.signing import ensure_key

T = TypeVar("T")
# Each test gets a service area of its own, from those the platform is configured to serve.
AREAS = [f"area-{uuid.uuid4().hex[:8]}" for _ in range(40)]
_unused_areas = iter(AREAS)


@dataclass
class Platform:
    services: dict[str, ServiceProcess]
    clock_offset_file: Path
    env: dict[str, str]

    @property
    def urls(self) -> dict[str, str]:
        return {name: service.url for name, service in self.services.items()}

    def client(self, person_id: str, role: str) -> QaClient:
        return QaClient(person_id, role, self.urls)

    def move_clock(self, days: float) -> None:
        self.clock_offset_file.write_text(str(days * 86400))


# Module scope under the session-scoped, per-broker `kafka`: one platform per broker.
@pytest.fixture(scope="module")
def platform(postgres_dsn: str, kafka: KafkaSettings,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    run = uuid.uuid4().hex[:8]
    folder = tmp_path_factory.mktemp(f"platform-{run}")
    clock_file = folder / "clock-offset-seconds"
    clock_file.write_text("0")
    key_file = folder / "anchors" / "checkpoints.pem"
    ensure_key(key_file)
    env = {
        "DATABASE_URL": postgres_dsn,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_IDEMPOTENT_PRODUCER": str(kafka.idempotent_producer).lower(),
        "KAFKA_FETCH_MAX_WAIT_MS": str(kafka.fetch_max_wait_ms),
        "KAFKA_TOPIC_PREFIX": f"e2e{run}",
        "CLOCK_OFFSET_FILE": str(clock_file),
        "TRACKER_SCAN_INTERVAL": "0.5",
        "TENANT": "e2e-authority",
        "SERVICE_AREAS": ",".join(AREAS),
        "CHECKPOINT_KEY_FILE": str(key_file),
    }
    schemas = {name: f"e2e{run}_{name}" for name in SERVICES}
    processes = service_processes(
        env, free_port_block(len(SERVICES)), folder / "logs",
        per_service_env={name: {"DB_SCHEMA": schema} for name, schema in schemas.items()},
    )
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_ready(timeout=90)
        yield Platform({p.name: p for p in processes}, clock_file, env)
    finally:
        for process in processes:
            process.stop()
        for schema in schemas.values():
            run_apart(drop_schema(postgres_dsn, schema))


def run_apart(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop in its own thread: a module's
    platform may be torn down while pytest-asyncio's loop is running an async test's
    set-up (a fixture switching broker), where asyncio.run would refuse."""
    with ThreadPoolExecutor(max_workers=1) as apart:
        return apart.submit(asyncio.run, work).result()


def next_area() -> str:
    """A service area no test has used yet, among those the platform serves."""
    return next(_unused_areas)


@pytest.fixture
def area() -> str:
    """A service area of its own per test, so reports do not mix."""
    return next_area()


def poll(check: Callable[[], T], timeout: float = 60.0, interval: float = 0.2) -> T:
    """Wait until `check()` returns something truthy; errors count as not yet."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
            last = result
        except Exception as error:  # a service still starting or restarting
            last = error
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout}s; last saw: {last!r}")


def wait_for(fetch: Callable[[], T], until: Callable[[T], bool], timeout: float = 60.0) -> T:
    """Fetch until the answer satisfies `until`; returns that answer."""
    box: list[T] = []

    def check() -> bool:
        value = fetch()
        if until(value):
            box.append(value)
            return True
        return False

    poll(check, timeout)
    return box[-1]

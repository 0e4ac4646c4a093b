"""Fail-over of a consumer service: the audit service SIGKILLed while allocations flow to it,
started again, and how long until it applies a new event, on each broker."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from cli.client import QaClient
from deploy.processes import ServiceProcess, service_processes
from shared.infra.apache_kafka import ApacheKafka
from shared.infra.embedded_broker import EmbeddedBroker
from shared.infra.ports import free_port_block
from shared.kernel.clock import SystemClock, london_date
from shared.postgres.provisioning import drop_schema
from tests.e2e.conftest import poll, run_apart

MONTH = london_date(SystemClock().now()).strftime("%Y-%m")
AREA = "childrens-social-care"
# From the restarted process beginning its start-up (imports done: those take 2 s on an
# idle 2-core machine and 6-8 s on a busy one, whatever the broker) to applying a new
# event. Apache Kafka hands a static member its partitions back at once. The bundled tansu
# broker holds every join and sync of a static member for 3 s each (PAUSE_MS in its group
# coordinator, not configurable), so it cannot do better than some 6 s: issue #8 asks
# for 5 s, which only Apache Kafka meets. The service's groups join at once
# (faststream_wiring.ConsumerGroupsBroker): one after another, two groups took 12 s here.
WITHIN = {"apache": 5.0, "bundled": 8.0}


@pytest.fixture(params=["bundled", "apache"])
def broker(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, bool]]:
    """(name, bootstrap servers, idempotent producer) of a broker of the given kind."""
    if request.param == "bundled":
        bundled = EmbeddedBroker()
        bundled.start()
        try:
            yield "bundled", bundled.bootstrap_servers, False
        finally:
            bundled.stop()
    else:
        node = ApacheKafka()
        node.start()
        try:
            yield "apache", node.bootstrap_servers, True
        finally:
            node.remove()


def test_a_consumer_service_killed_and_restarted_consumes_again_within_seconds(
    broker: tuple[str, str, bool], postgres_dsn: str, tmp_path: Path,
) -> None:
    kind, bootstrap, idempotent = broker
    run = uuid.uuid4().hex[:8]
    env = {"DATABASE_URL": postgres_dsn, "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
           "KAFKA_IDEMPOTENT_PRODUCER": str(idempotent).lower(),
           "KAFKA_TOPIC_PREFIX": f"fo{run}", "TENANT": "e2e-authority"}
    schemas = {"allocation": f"fo{run}_allocation", "audit": f"fo{run}_audit"}
    everything = service_processes(
        env, free_port_block(5), tmp_path / "logs",
        per_service_env={name: {"DB_SCHEMA": schema} for name, schema in schemas.items()})
    services = {s.name: s for s in everything if s.name in schemas}
    try:
        for service in services.values():
            service.start()
        for service in services.values():
            service.wait_ready(timeout=120)
        total, after_start_up, applied, allocated = _kill_and_restart_under_load(
            services, schemas["audit"], postgres_dsn)
        print(f"\n    [{kind}] audit service SIGKILLed and started again: a new event applied "
              f"{total:.1f} s after the restart, {after_start_up:.1f} s after its start-up "
              f"began; {applied} assignments for {allocated} allocations")
        assert applied == allocated, "an allocation was lost or applied twice"
        assert after_start_up < WITHIN[kind], (
            f"{kind}: consuming again {after_start_up:.1f} s after start-up began")
    finally:
        for service in services.values():
            service.stop()
        for schema in schemas.values():
            run_apart(drop_schema(postgres_dsn, schema))


def _kill_and_restart_under_load(services: dict[str, ServiceProcess], audit_schema: str,
                                 dsn: str) -> tuple[float, float, int, int]:
    qa = QaClient("qa-officer-1", "qa-officer", {n: s.url for n, s in services.items()})
    qa.post("allocation", "/cycles", {"service_area": AREA, "month": MONTH})
    qa.post("allocation", "/auditors",
            {"service_area": AREA, "auditor_id": "tm-fail", "team": "assessment"})
    cases = [qa.post("allocation", "/cases", {"service_area": AREA, "child_ref": f"CH-7{i:03}",
                                              "legal_status": "cin", "team": "front-door"})
             for i in range(40)]
    allocated = 0

    def allocate(count: int) -> None:
        nonlocal allocated
        for case in cases[allocated:allocated + count]:
            qa.post("allocation", "/allocations", {
                "service_area": AREA, "month": MONTH, "case_id": case["case_id"],
                "auditor_id": "tm-fail"})
            allocated += 1
            time.sleep(0.05)

    allocate(5)
    poll(lambda: _assigned(dsn, audit_schema) == 5, timeout=60)
    audit = services["audit"]
    audit.kill()
    # Allocations keep coming while it is dead and while it starts again.
    feeder = threading.Thread(target=allocate, args=(35,))
    feeder.start()
    before = _assigned(dsn, audit_schema)
    starts = _start_ups(audit)
    started = time.monotonic()
    audit.start()
    poll(lambda: _start_ups(audit) > starts, timeout=60, interval=0.02)
    start_up_began = time.monotonic()
    poll(lambda: _assigned(dsn, audit_schema) > before, timeout=60, interval=0.05)
    applied_at = time.monotonic()
    feeder.join()
    poll(lambda: _assigned(dsn, audit_schema) == allocated, timeout=60)
    time.sleep(1)  # nothing doubled arrives late
    return (applied_at - started, applied_at - start_up_began, _assigned(dsn, audit_schema),
            allocated)


def _start_ups(service: ServiceProcess) -> int:
    """How often the service has begun its start-up (its imports done), by its log."""
    return service.log_file.read_text(errors="replace").count("Waiting for application startup")


def _assigned(dsn: str, schema: str) -> int:
    async def count() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            return int(await conn.fetchval(
                f"SELECT count(*) FROM {schema}.events WHERE event_type = 'AuditAssigned'"))
        finally:
            await conn.close()

    return asyncio.run(count())

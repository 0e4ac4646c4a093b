from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import asyncpg
import pytest

from shared.messaging.inbox import Delivery
from shared.postgres.event_store import EventStore
from shared.postgres.provisioning import ServiceDatabase
from shared.settings import KafkaSettings
from tests.conftest import unique
from tests.messaging_support import (
    assert_each_once_in_stream_order,
    effects_count,
    eventually,
    has_effects,
    read_topic,
    record_effect,
    running_pipeline,
    running_relay,
)
from tests.support import a_stream, notes


def start_worker(
    db: ServiceDatabase, topic: str, kafka: KafkaSettings, group: str
) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.workers.consumer_process", "--dsn", db.app_dsn,
         "--schema", db.schema, "--topic", topic, "--bootstrap", kafka.bootstrap_servers,
         "--group", group, "--idempotent", str(kafka.idempotent_producer).lower(),
         "--fetch-max-wait-ms", str(kafka.fetch_max_wait_ms)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise AssertionError("the consumer process did not start")
    return process


@pytest.mark.usefixtures("effects")
async def test_consumer_killed_mid_batch_and_restarted_loses_nothing(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    streams = [a_stream() for _ in range(8)]
    for stream in streams:
        await store.append(stream, 0, notes(stream, 1, 25))
    total = 8 * 25
    group = unique("killed")
    async with running_relay(store, service_db, topic, kafka):
        first = await asyncio.to_thread(start_worker, service_db, topic, kafka, group)
        await eventually(lambda: has_effects(pool, 40))
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = await effects_count(pool)
        assert killed_at < total, "the kill must land mid-flow"

        restarted_at = time.monotonic()
        # start_worker returns once the replacement has joined the group, which waits for
        # the dead member to be expelled.
        second = await asyncio.to_thread(start_worker, service_db, topic, kafka, group)
        try:
            await eventually(lambda: has_effects(pool, killed_at + 1), timeout=60)
            recovery = time.monotonic() - restarted_at
            await eventually(lambda: has_effects(pool, total), timeout=60)
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.to_thread(second.wait, 20)
    await assert_each_once_in_stream_order(pool, total)
    # The dead member's partitions are handed on once its session times out (6 s, Kafka's
    # default minimum), plus the replacement's own start-up: seconds, not tens of seconds.
    assert recovery < 15, f"the replacement took {recovery:.1f} s to resume"


@pytest.mark.usefixtures("effects")
async def test_database_connection_lost_mid_event_is_retried_not_dead_lettered(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 3))
    failures = {"left": 2}

    async def flaky(delivery: Delivery) -> None:
        if failures["left"] > 0:
            failures["left"] -= 1
            # A real lost connection: the server ends this session mid-transaction.
            await delivery.conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        await record_effect(delivery)

    async with running_pipeline(store, service_db, pool, topic, kafka, handler=flaky):
        await eventually(lambda: has_effects(pool, 3))
    assert failures["left"] == 0
    assert await read_topic(kafka, topic + ".dlt", 1, timeout=1) == []
    await assert_each_once_in_stream_order(pool, 3)


@pytest.mark.usefixtures("effects")
async def test_a_handler_that_always_fails_is_dead_lettered_after_bounded_retries(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    bad, good = a_stream(), a_stream()
    await store.append(bad, 0, notes(bad, 1, 1, "bad"))
    await store.append(good, 0, notes(good, 1, 1, "good"))

    async def picky(delivery: Delivery) -> None:
        if delivery.envelope.stream_id == bad:
            raise ValueError("this note breaks a business rule")
        await record_effect(delivery)

    async with running_pipeline(store, service_db, pool, topic, kafka, handler=picky):
        await eventually(lambda: has_effects(pool, 1))
        dead = await read_topic(kafka, topic + ".dlt", 1)
    assert len(dead) == 1
    assert dict(dead[0].headers)["dlt-reason"] == b"handler-failed"
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 1


@pytest.mark.usefixtures("effects")
async def test_a_statement_timeout_is_waited_out_not_dead_lettered(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    stream = a_stream()
    await store.append(stream, 0, notes(stream, 1, 2))
    timeouts = {"left": 3}

    async def slow_database(delivery: Delivery) -> None:
        if timeouts["left"] > 0:
            timeouts["left"] -= 1
            await delivery.conn.execute("SET LOCAL statement_timeout = 10")
            await delivery.conn.execute("SELECT pg_sleep(1)")  # cancelled: SQLSTATE 57014
        await record_effect(delivery)

    async with running_pipeline(store, service_db, pool, topic, kafka, handler=slow_database):
        await eventually(lambda: has_effects(pool, 2))
    assert timeouts["left"] == 0
    assert await read_topic(kafka, topic + ".dlt", 1, timeout=1) == []
    await assert_each_once_in_stream_order(pool, 2)


@pytest.mark.usefixtures("effects")
async def test_an_event_of_another_tenant_is_dead_lettered(
    store: EventStore, pool: asyncpg.Pool, service_db: ServiceDatabase, kafka: KafkaSettings,
    topic: str,
) -> None:
    ours, theirs = a_stream(), a_stream()
    await store.append(ours, 0, notes(ours, 1, 1))
    foreign = notes(theirs, 1, 1)[0].model_copy(update={"tenant": "another-authority"})
    await store.append(theirs, 0, [foreign])
    async with running_pipeline(store, service_db, pool, topic, kafka,
                                tenant="test-authority"):
        await eventually(lambda: has_effects(pool, 1))
        dead = await read_topic(kafka, topic + ".dlt", 1)
    assert len(dead) == 1
    assert dict(dead[0].headers)["dlt-reason"] == b"foreign-tenant"
    assert await effects_count(pool) == 1

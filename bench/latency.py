"""Command -> read model latency across the five services, beside the bare broker round trip.

    .venv/bin/python -m bench.latency [--broker tansu|apache] [--rate 50] [--seconds 20]
                                      [--keep-logs]

On the servers the tests use (embedded PostgreSQL; Apache Kafka and then the bundled
tansu broker, or the one --broker names; DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS when set,
see shared/infra/servers.py), the five services run as separate
processes, as in the end-to-end tests: each its own schema `bench<hex>_<service>`, one
random topic prefix, free ports (logging at WARNING, the tracker at its default scan).

Measured, at a steady open-loop rate (item i is sent at t0 + i/rate whatever earlier ones
took, each in its own asyncio task), rate * seconds items each:

- AllocateCase over HTTP (POST /allocations) -> the allocation's record (folded from its
  CaseAllocated) in the reporting service's live read-model slot. The benchmark names
  the allocation_id itself and polls that table directly in PostgreSQL every
  POLL_INTERVAL, asking only for the ids still outstanding; the arrival time is when a
  poll first sees the row.
  The poll interval therefore bounds the resolution: a figure may be late by up to one
  interval plus one query. Two intermediate points show where the time goes: the HTTP
  201 (the command's transaction has committed) and the CaseAllocated event on the
  allocation service's topic (the outbox relay has published it), the latter seen by a
  consumer of the benchmark's own, set as the bare round trip's consumer is. A command
  answered with an error never arrives: it counts as infinitely late for the target.
  One that got no answer at all (connection closed) is sent again with its
  Idempotency-Key, its clock still running.
- the bare broker round trip: aiokafka produce (the platform's producer settings) ->
  consume of a ~1 KB message on a fresh topic, same rate, same count, run first while
  the services are idle. Its consumer asks for fetch_max_wait_ms=5 as bench/run.py's
  does, while the services' consumers use KAFKA_FETCH_MAX_WAIT_MS (20 ms on tansu, 500
  on Apache Kafka as deploy/ sets it); on the bundled tansu broker a consumer's latency
  grows with that setting (data arriving does not end a waiting fetch early), so there
  the two differ by more than the platform's own work. Apache Kafka answers a fetch as
  soon as data arrives.

Every case is registered before the clock starts, in one service area with one open
cycle and one auditor, and 20 allocations warm up unmeasured. A benchmark reports, it
does not fail: the exit code is 0 whether the target (p99 under 100 ms) is met or not.

(One module of some 470 lines on purpose: the measurement, its load generator and its
report are read together when judging a figure.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import shutil
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.run import PAYLOAD, percentile
from deploy.processes import SERVICES, ServiceProcess, service_processes
from shared.infra.ports import free_port_block
from shared.infra.servers import BROKERS, brokers_wanted, kafka_server, postgres_server
from shared.kernel.clock import SystemClock, london_date
from shared.messaging.kafka import ensure_topics, producer
from shared.postgres.migrator import quote_ident
from shared.postgres.provisioning import drop_schema
from shared.settings import KafkaSettings, topic_for

POLL_INTERVAL = 0.002  # seconds between read model polls: the resolution of the figures
TARGET_P99_MS = 100.0
SETTLE_TIMEOUT = 30.0  # seconds to wait for stragglers after the last item is sent
DRAIN_TIMEOUT = 60.0  # seconds to wait for the registrations to be consumed
# Commands go round-robin over several HTTP clients: httpx's pool costs CPU in proportion
# to requests in flight times connections, and under overload hundreds are in flight.
CLIENTS, CONNECTIONS_PER_CLIENT = 8, 25
TRANSPORT_ATTEMPTS = 5  # a command that got no HTTP answer is sent this often in all
MONTH = london_date(SystemClock().now()).strftime("%Y-%m")
AREA = f"bench-{uuid.uuid4().hex[:8]}"  # a service area of the benchmark's own
ACTOR = {"X-Actor-Id": "bench-qa-officer", "X-Actor-Role": "qa-officer"}


# --- the platform ---------------------------------------------------------------------


@dataclass(frozen=True)
class Platform:
    urls: dict[str, str]
    schemas: dict[str, str]
    kafka: KafkaSettings  # with this run's topic prefix




@contextlib.contextmanager
def running_platform(dsn: str, kafka: KafkaSettings, *,
                     keep_logs: bool = False) -> Iterator[Platform]:
    """The five services as processes, healthy; stopped and their schemas dropped after.
    Their logs are removed unless asked to keep them or the run failed."""
    run = uuid.uuid4().hex[:8]
    prefix = f"bench{run}"
    folder = Path(tempfile.mkdtemp(prefix=f"qa-bench-latency-{run}-"))
    env = {
        "DATABASE_URL": dsn,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_IDEMPOTENT_PRODUCER": str(kafka.idempotent_producer).lower(),
        "KAFKA_FETCH_MAX_WAIT_MS": str(kafka.fetch_max_wait_ms),
        "KAFKA_TOPIC_PREFIX": prefix,
        "TENANT": "bench-authority",
        # The services refuse an area they are not configured to serve.
        "SERVICE_AREAS": AREA,
        "LOG_LEVEL": "WARNING",
    }
    schemas = {name: f"{prefix}_{name}" for name in SERVICES}
    processes: list[ServiceProcess] = service_processes(
        env, free_port_block(len(SERVICES)), folder / "logs",
        per_service_env={name: {"DB_SCHEMA": schema} for name, schema in schemas.items()},
    )
    failed = True
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.wait_ready(timeout=90)
        yield Platform({p.name: p.url for p in processes}, schemas,
                       kafka.model_copy(update={"topic_prefix": prefix}))
        failed = False
    finally:
        for process in processes:
            process.stop()
        for schema in schemas.values():
            asyncio.run(drop_schema(dsn, schema))
        if failed or keep_logs:
            print(f"(service logs kept in {folder / 'logs'})")
        else:
            shutil.rmtree(folder, ignore_errors=True)


# --- open-loop pacing and figures -------------------------------------------------------


@dataclass
class Timeline:
    """When each item was sent, and when it was seen at each later point."""

    sent: dict[str, float] = field(default_factory=dict)
    answered: dict[str, float] = field(default_factory=dict)
    on_topic: dict[str, float] = field(default_factory=dict)
    in_read_model: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # item -> why; it never arrives
    waiting: set[str] = field(default_factory=set)  # sent, neither failed nor arrived yet
    retried: int = 0
    client_cpu: float = 0.0  # share of one core the benchmark process used meanwhile

    def wait_over(self, seen: dict[str, float]) -> bool:
        return len(seen.keys() | self.failed.keys()) >= len(self.sent)


async def open_loop(count: int, rate: float,
                    one: Callable[[int], Coroutine[Any, Any, None]]) -> None:
    """Start `one(i)` at t0 + i/rate, each in its own task, whatever earlier ones take."""
    tasks: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    for index in range(count):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index)))
    await asyncio.gather(*tasks)


def latencies_ms(start: dict[str, float], end: dict[str, float]) -> list[float]:
    """Milliseconds from `start` to `end` for every key started; never seen counts as inf."""
    return [(end[key] - began) * 1000 if key in end else math.inf
            for key, began in start.items()]


def achieved_rate(sent: dict[str, float]) -> float:
    times = sorted(sent.values())
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


async def wait_until_seen(times: Timeline, seen: dict[str, float]) -> None:
    """Until everything sent (and not failed) is in `seen`, or SETTLE_TIMEOUT has passed."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while not times.wait_over(seen) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)


# --- the bare broker round trip ---------------------------------------------------------


async def started_consumer(kafka: KafkaSettings, topic: str) -> AIOKafkaConsumer:
    """A group-less consumer of `topic`, assigned, with bench/run.py's fetch settings."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap_servers,
                                auto_offset_reset="earliest", fetch_max_wait_ms=5)
    await consumer.start()
    while not consumer.assignment():  # noqa: ASYNC110 - measure once partitions are assigned
        await asyncio.sleep(0.05)
    return consumer


async def bare_round_trip(kafka: KafkaSettings, count: int, rate: float) -> Timeline:
    topic = f"bench-roundtrip-{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka, [topic])
    consumer = await started_consumer(kafka, topic)
    times = Timeline()

    async def receive() -> None:
        async for record in consumer:
            times.on_topic.setdefault(record.key.decode(), time.perf_counter())

    receiver = asyncio.create_task(receive())
    await asyncio.sleep(0.5)
    kafka_producer = producer(kafka)
    await kafka_producer.start()
    body = PAYLOAD.encode()

    async def send(index: int) -> None:
        key = f"m{index}"
        times.sent[key] = time.perf_counter()
        await kafka_producer.send_and_wait(topic, body, key=key.encode())

    try:
        await open_loop(count, rate, send)
        await wait_until_seen(times, times.on_topic)
    finally:
        receiver.cancel()
        await kafka_producer.stop()
        await consumer.stop()
    return times


# --- the platform's command -> read model latency ---------------------------------------


async def post(client: httpx.AsyncClient, path: str, body: dict[str, str]) -> httpx.Response:
    response = await client.post(path, json=body,
                                 headers={"Idempotency-Key": str(uuid.uuid4())})
    if response.status_code != 201:
        raise RuntimeError(f"POST {path}: HTTP {response.status_code}: {response.text}")
    return response


async def prepare(client: httpx.AsyncClient, area: str, cases: int) -> list[str]:
    """An open cycle, one auditor, `cases` cases of another team; returns the case ids."""
    await post(client, "/cycles", {"service_area": area, "month": MONTH})
    await post(client, "/auditors",
               {"service_area": area, "auditor_id": "bench-auditor", "team": "assessment"})
    case_ids = [str(uuid.uuid4()) for _ in range(cases)]
    limit = asyncio.Semaphore(16)

    async def register(index: int) -> None:
        async with limit:
            await post(client, "/cases", {
                "service_area": area, "case_id": case_ids[index],
                "child_ref": f"CH-{index:05}", "legal_status": "cin", "team": "front-door"})

    await asyncio.gather(*(register(i) for i in range(cases)))
    return case_ids


async def wait_until_drained(kafka: KafkaSettings, group: str, topic: str) -> None:
    """Until `group` has committed up to the end of every partition of `topic`, so the
    registrations are not still being consumed while the clock runs. (A consumer that
    names the group but subscribes to nothing only reads its offsets; it does not join.)"""
    probe = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=group,
                             enable_auto_commit=False)
    await probe.start()
    try:
        partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or ()]
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while time.monotonic() < deadline:
            ends = await probe.end_offsets(partitions)
            committed = [await probe.committed(tp) for tp in partitions]
            if all(at is not None and at >= ends[tp]
                   for tp, at in zip(partitions, committed, strict=True)):
                return
            await asyncio.sleep(0.2)
        print(f"(warning: {group} still behind on {topic} after {DRAIN_TIMEOUT:.0f} s)")
    finally:
        await probe.stop()


async def watch_read_model(conn: asyncpg.Connection, schema: str, times: Timeline) -> None:
    """Polls the reporting read model for the allocation ids still outstanding."""
    # The live slot's records (services/reporting/adapters/event_log.py); a rebuild during
    # a run would swap slots, which this benchmark never starts.
    query = (f"SELECT record->>'allocation_id' FROM {quote_ident(schema)}.records_a "
             "WHERE subject = ANY($1::text[]) AND (record->>'allocated')::boolean")
    while True:
        if times.waiting:
            rows = await conn.fetch(query, [f"allocation:{a}" for a in times.waiting])
            now = time.perf_counter()
            for row in rows:
                times.in_read_model[row[0]] = now
                times.waiting.discard(row[0])
        await asyncio.sleep(POLL_INTERVAL)


async def watch_topic(consumer: AIOKafkaConsumer, times: Timeline) -> None:
    """Notes when each CaseAllocated appears on the allocation service's topic."""
    async for record in consumer:
        envelope = json.loads(record.value)
        if envelope["event_type"] == "CaseAllocated":
            key = envelope["payload"]["allocation_id"]
            if key in times.sent:
                times.on_topic.setdefault(key, time.perf_counter())


@dataclass(frozen=True)
class Allocator:
    """What one batch of AllocateCase commands needs: where to send, where to look."""

    clients: list[httpx.AsyncClient]
    conn: asyncpg.Connection
    consumer: AIOKafkaConsumer
    reporting_schema: str
    area: str

    async def allocate(self, index: int, case_id: str, times: Timeline) -> None:
        """One AllocateCase. A request that got no answer is sent again with the same
        Idempotency-Key, as a client of the platform would; its clock keeps running."""
        allocation_id = str(uuid.uuid4())
        body = {"service_area": self.area, "month": MONTH, "case_id": case_id,
                "auditor_id": "bench-auditor", "allocation_id": allocation_id}
        times.sent[allocation_id] = time.perf_counter()
        times.waiting.add(allocation_id)
        for attempt in range(1, TRANSPORT_ATTEMPTS + 1):
            try:
                response = await self.clients[index % len(self.clients)].post(
                    "/allocations", json=body, headers={"Idempotency-Key": allocation_id})
                break
            except (httpx.NetworkError, httpx.RemoteProtocolError) as error:
                if attempt == TRANSPORT_ATTEMPTS:
                    self._failed(times, allocation_id, type(error).__name__)
                    return
                times.retried += 1
        if response.status_code == 201:
            times.answered[allocation_id] = time.perf_counter()
        else:
            self._failed(times, allocation_id, f"HTTP {response.status_code}")

    @staticmethod
    def _failed(times: Timeline, allocation_id: str, why: str) -> None:
        times.failed[allocation_id] = why
        times.waiting.discard(allocation_id)

    async def run(self, case_ids: list[str], rate: float) -> Timeline:
        """Allocate every case at `rate`, open loop; wait for the read model to catch up."""
        times = Timeline()
        watchers = [
            asyncio.create_task(watch_read_model(self.conn, self.reporting_schema, times)),
            asyncio.create_task(watch_topic(self.consumer, times)),
        ]
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            await open_loop(len(case_ids), rate, lambda i: self.allocate(i, case_ids[i], times))
            await wait_until_seen(times, times.in_read_model)
            times.client_cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)
        finally:
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
        return times


async def command_latency(platform: Platform, dsn: str, count: int, rate: float,
                          warm_up: int = 20) -> Timeline:
    area = AREA
    limits = httpx.Limits(max_connections=CONNECTIONS_PER_CLIENT,
                          max_keepalive_connections=CONNECTIONS_PER_CLIENT)
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(httpx.AsyncClient(
                       base_url=platform.urls["allocation"], headers=ACTOR, timeout=60,
                       limits=limits))
                   for _ in range(CLIENTS)]
        started = time.perf_counter()
        case_ids = await prepare(clients[0], area, warm_up + count)
        print(f"(registered {len(case_ids)} cases in {time.perf_counter() - started:.1f} s)")
        prefix = platform.kafka.topic_prefix
        allocation_topic = topic_for(prefix, "allocation")
        await wait_until_drained(platform.kafka, f"{prefix}.reporting.facts",
                                 allocation_topic)
        conn = await asyncpg.connect(dsn)
        consumer = await started_consumer(platform.kafka, allocation_topic)
        try:
            allocator = Allocator(clients, conn, consumer, platform.schemas["reporting"], area)
            # Not measured: warms connections and caches, and the watching consumer
            # reads past the registrations.
            await allocator.run(case_ids[:warm_up], rate)
            return await allocator.run(case_ids[warm_up:], rate)
        finally:
            await consumer.stop()
            await conn.close()


# --- the report -------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.1f}" if math.isfinite(value) else "lost"


def arrived(values: list[float], p: float) -> str:
    """A percentile over the items that arrived; "-" when none did."""
    finite = [value for value in values if math.isfinite(value)]
    return ms(percentile(finite, p)) if finite else "-"


def report(commands: Timeline, bare: Timeline, rate: float) -> None:
    read_model = latencies_ms(commands.sent, commands.in_read_model)
    round_trip = latencies_ms(bare.sent, bare.on_topic)
    print()
    print(f"{'measure (over items that arrived)':<36}{'command -> read model':>23}"
          f"{'bare broker':>13}")
    for name, p in (("latency p50 ms", 50), ("latency p99 ms", 99), ("latency max ms", 100)):
        print(f"{name:<36}{arrived(read_model, p):>23}{arrived(round_trip, p):>13}")
    print(f"{f'achieved send rate /s (target {rate:g})':<36}"
          f"{achieved_rate(commands.sent):>23.1f}{achieved_rate(bare.sent):>13.1f}")
    counts = f"{len(commands.sent)} / {len(commands.in_read_model)} / {len(commands.failed)}"
    print(f"{'count sent / arrived / failed':<36}{counts:>23}  "
          f"{f'{len(bare.sent)} / {len(bare.on_topic)} / 0':>11}")
    # Over everything sent: a command that failed or never arrived counts as infinitely late.
    p99 = percentile(read_model, 99)
    verdict = "met" if p99 < TARGET_P99_MS else "NOT met"
    print(f"target: command -> read model p99 < {TARGET_P99_MS:.0f} ms over all sent "
          f"(p99 {ms(p99)}): {verdict}")
    if commands.failed:
        print(f"failed commands: {dict(Counter(commands.failed.values()))}")
    if commands.retried:
        print(f"commands sent again after no HTTP answer: {commands.retried}")

    print()
    print(f"{'where the time goes: from sending the command to':<50}{'p50':>8}{'p99':>8}")
    hops = (("HTTP 201 (command committed)", commands.answered),
            ("CaseAllocated on the allocation topic", commands.on_topic),
            ("row in the reporting read model", commands.in_read_model))
    for label, seen in hops:
        values = latencies_ms(commands.sent, seen)
        print(f"  {label:<48}{arrived(values, 50):>8}{arrived(values, 99):>8}")

    print()
    print("over the run, by hundreds of commands, ms:")
    print(f"  {'commands':<14}{'HTTP 201 p50':>13}{'p99':>9}{'read model p50':>16}{'p99':>9}"
          f"{'failed':>8}")
    keys = list(commands.sent)
    size = max(1, len(keys) // 10)
    for first in range(0, len(keys), size):
        part = {key: commands.sent[key] for key in keys[first:first + size]}
        answered = latencies_ms(part, commands.answered)
        read = latencies_ms(part, commands.in_read_model)
        failed = sum(key in commands.failed for key in part)
        print(f"  {f'{first + 1}-{first + len(part)}':<14}{arrived(answered, 50):>13}"
              f"{arrived(answered, 99):>9}{arrived(read, 50):>16}{arrived(read, 99):>9}"
              f"{failed:>8}")
    print(f"(the benchmark process itself used {commands.client_cpu:.0%} of a core "
          "during the command run)")
    print(f"(the read model is polled every {POLL_INTERVAL * 1000:.0f} ms: a read model figure "
          "may be late by up to one interval plus one query)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50.0, help="commands (and messages) /s")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send for")
    parser.add_argument("--keep-logs", action="store_true", help="keep the services' logs")
    parser.add_argument("--broker", choices=BROKERS, action="append",
                        help="measure on this broker (repeatable; default: each of "
                             "QA_TEST_KAFKA's, both when unset)")
    args = parser.parse_args()
    count = max(1, round(args.rate * args.seconds))
    # Production's broker first: on a machine that warms up, the figure that matters most
    # is the least disturbed.
    brokers = sorted(args.broker or brokers_wanted(), key=lambda b: b != "apache")
    with postgres_server() as dsn:
        for broker in brokers:
            # One broker at a time: the other would take CPU from this one's figures.
            with (kafka_server(broker) as kafka,
                  running_platform(dsn, kafka, keep_logs=args.keep_logs) as platform):
                bare = asyncio.run(bare_round_trip(platform.kafka, count, args.rate))
                commands = asyncio.run(command_latency(platform, dsn, count, args.rate))
            print(f"\n=== on {broker} ===")
            report(commands, bare, args.rate)


if __name__ == "__main__":
    main()

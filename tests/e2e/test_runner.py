"""`qa-platform up` as a person runs it, real processes throughout: one runner per data
folder, --reset that asks and refuses while the data is in use, a killed runner's lock
taken over, ports in use named. Each runner starts its own embedded PostgreSQL and broker
on free ports, with stdin not a terminal (as CI runs it)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from deploy import demo
from deploy.processes import SERVICES
from shared.infra.embedded_postgres import EmbeddedPostgres
from shared.infra.ports import free_port, free_port_block

ROOT = Path(__file__).resolve().parents[2]
RUNNING = "The QA platform is running"
# The runner must start its own servers, whatever the test process was given.
ENV = {key: value for key, value in os.environ.items()
       if key not in {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_IDEMPOTENT_PRODUCER",
                      "SERVICE_AREAS", "TENANT"}}


@dataclass
class Ports:
    first: int = field(default_factory=lambda: free_port_block(len(SERVICES)))
    postgres: int = field(default_factory=free_port)
    broker: int = field(default_factory=free_port)

    def args(self) -> list[str]:
        return ["--first-port", str(self.first), "--postgres-port", str(self.postgres),
                "--broker-port", str(self.broker)]


def up(data_dir: Path, ports: Ports, *extra: str) -> list[str]:
    return [sys.executable, "-m", "deploy.platform", "up", "--no-demo",
            "--data-dir", str(data_dir), *ports.args(), *extra]


class Runner:
    """A runner process whose output is collected as it comes."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 150) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                if text in self.output:
                    return
                raise AssertionError(f"runner exited ({self.process.returncode}):\n"
                                     + self.output[-3000:])
            assert time.monotonic() < deadline, f"no {text!r} within {timeout}s:\n{self.output}"
            time.sleep(0.2)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as a person stops it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._reader.join(timeout=5)


def refused(command: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A command expected to stop at once: it must not get as far as starting anything."""
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=ENV, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert time.monotonic() - started < 30, "refusing took as long as a start"
    assert RUNNING not in done.stdout
    return done


def services_ready(ports: Ports) -> bool:
    return all(httpx.get(f"http://127.0.0.1:{ports.first + offset}/health/ready",
                         timeout=5).status_code == 200 for offset in range(len(SERVICES)))


def postgres_answers(ports: Ports) -> bool:
    async def ask() -> bool:
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{ports.postgres}/postgres",
                                     timeout=5)
        try:
            return bool(await conn.fetchval("SELECT 1") == 1)
        finally:
            await conn.close()

    return asyncio.run(ask())


@pytest.fixture
def folder() -> Iterator[Path]:
    """Data folders outside pytest's own temporary folder, which is private to its user:
    run as root, the embedded PostgreSQL runs as a user of its own, who must reach it."""
    made = Path(tempfile.mkdtemp(prefix="qa-runner-test-"))
    yield made
    shutil.rmtree(made, ignore_errors=True)


@pytest.fixture
def runners() -> Iterator[list[tuple[Runner, Path, Ports]]]:
    """Every runner a test starts is stopped after it, and any server it left."""
    started: list[tuple[Runner, Path, Ports]] = []
    yield started
    for runner, data_dir, ports in started:
        if runner.process.poll() is None:
            try:
                runner.interrupt()
            except subprocess.TimeoutExpired:
                runner.kill()
        EmbeddedPostgres(data_dir / "postgres", ports.postgres).stop(quiet=True)


def test_a_running_platform_is_guarded(runners: list[tuple[Runner, Path, Ports]],
                                       folder: Path) -> None:
    data_dir, ports = folder / "data", Ports()
    first = Runner(up(data_dir, ports))
    runners.append((first, data_dir, ports))
    first.wait_for(RUNNING)
    pid = str(first.process.pid)

    # A second runner on the same data is refused at once, naming the first.
    second = refused(up(data_dir, Ports()))
    assert f"pid {pid}" in second.stderr
    assert f"ports {ports.first}-{ports.first + 4}" in second.stderr

    # --reset is refused while the data is in use, --yes or not.
    for extra in ((), ("--yes",)):
        reset = refused(up(data_dir, Ports(), "--reset", *extra))
        assert "--reset refused" in reset.stderr
        assert f"pid {pid}" in reset.stderr
    assert (data_dir / "postgres" / "PG_VERSION").exists()

    # Another data folder, the same ports: refused, naming each port in use.
    taken = refused(up(folder / "elsewhere", ports))
    for name, offset in zip(SERVICES, range(len(SERVICES)), strict=True):
        assert f"{name} service ({ports.first + offset})" in taken.stderr
    assert f"PostgreSQL ({ports.postgres})" in taken.stderr
    assert f"broker ({ports.broker})" in taken.stderr

    # None of that disturbed the first: its services are ready, its PostgreSQL answers.
    assert first.process.poll() is None
    assert services_ready(ports)
    assert postgres_answers(ports)
    assert first.interrupt() == 0
    assert "Stopped." in first.output


def test_one_port_in_use_is_named(folder: Path) -> None:
    ports = Ports()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", ports.first + 2))
        squatter.listen()
        taken = refused(up(folder / "data", ports))
    assert f"ports already in use: moderation service ({ports.first + 2})" in taken.stderr
    assert "allocation service" not in taken.stderr


def test_reset_asks_and_a_killed_runner_is_taken_over(
        runners: list[tuple[Runner, Path, Ports]], folder: Path) -> None:
    data_dir, ports = folder / "data", Ports()
    data_dir.mkdir()
    (data_dir / "earlier-work").write_text("cases, audits, reports")

    # Without a terminal to ask at, --reset needs --yes; nothing is deleted.
    asked = refused(up(data_dir, ports, "--reset"))
    assert "--yes" in asked.stderr
    assert (data_dir / "earlier-work").exists()

    # With --yes the folder goes, and the platform starts afresh.
    fresh = Runner(up(data_dir, ports, "--reset", "--yes"))
    runners.append((fresh, data_dir, ports))
    fresh.wait_for(RUNNING)
    assert f"Removing {data_dir}" in fresh.output
    assert not (data_dir / "earlier-work").exists()

    # Killed outright: no clean-up, its lock left behind.
    fresh.kill()
    killed = fresh.process.pid
    assert str(killed) in (data_dir / "runner.lock").read_text()

    # The next runner reports the stale lock, takes it over and starts.
    after = Runner(up(data_dir, ports))
    runners.append((after, data_dir, ports))
    after.wait_for(RUNNING)
    assert f"A runner that is no longer running (pid {killed})" in after.output
    assert "taking over" in after.output
    assert services_ready(ports)
    assert after.interrupt() == 0


def settled_report(ports: Ports, month: str) -> dict[str, object]:
    """The demo month's report once every relay has passed everything and every consumer
    has caught up (as the services' own metrics say), read twice alike."""
    urls = [f"http://127.0.0.1:{ports.first + offset}" for offset in range(len(SERVICES))]

    def settled() -> bool:
        for url in urls:
            families = text_string_to_metric_families(httpx.get(f"{url}/metrics",
                                                                timeout=5).text)
            for family in families:
                if family.name in {"qa_relay_backlog_events", "qa_consumer_lag_events"} and any(
                        sample.value for sample in family.samples):
                    return False
        return True

    reporting = f"{urls[SERVICES.index('reporting')]}/reports/{demo.AREA}/{month}"
    deadline = time.monotonic() + 120
    previous: object = None
    while True:
        if settled():
            report = httpx.get(reporting, timeout=10).json()
            if report == previous:
                return dict(report)
            previous = report
        assert time.monotonic() < deadline, "the platform never settled"
        time.sleep(1.0)


def qa(ports: Ports, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**ENV, **{f"QA_{name.upper()}_URL": f"http://127.0.0.1:{ports.first + offset}"
                     for offset, name in enumerate(SERVICES)}}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def send_poison(ports: Ports, topic: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{ports.broker}")
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{not json", key=b"poison")
    finally:
        await producer.stop()


def poll_rows(ports: Ports, *args: str, timeout: float = 60) -> list[list[str]]:
    """The rows of a `qa` table once it has any (header and rule left out)."""
    deadline = time.monotonic() + timeout
    while True:
        listing = qa(ports, *args)
        assert listing.returncode == 0, listing.stderr
        rows = [line.split() for line in listing.stdout.splitlines()[2:] if line.strip()]
        if rows:
            return rows
        assert time.monotonic() < deadline, listing.stdout
        time.sleep(0.5)


def platform_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deploy.platform", *args], cwd=ROOT, env=ENV,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=600, check=False)


def test_a_backup_restored_into_a_destroyed_folder_verifies_and_reports_the_same(
        runners: list[tuple[Runner, Path, Ports]], folder: Path) -> None:
    data_dir, ports, saved = folder / "data", Ports(), folder / "backup"
    with_demo = [part for part in up(data_dir, ports) if part != "--no-demo"]
    first = Runner(with_demo)
    runners.append((first, data_dir, ports))
    first.wait_for(RUNNING, timeout=300)
    month = (data_dir / "demo-loaded").read_text().strip()
    # A record nobody can read on the audit topic: each consumer of it sets it aside, and
    # an operator discards one with `qa` from a shell.
    asyncio.run(send_poison(ports, "qa.audit.events"))
    pending = poll_rows(ports, "dead-letters", "--status", "pending")
    assert {row[3] for row in pending} == {"undecodable"}
    discarded = qa(ports, "--as", "ops-sam", "--role", "platform-operator", "dead-letters",
                   "discard", pending[0][1], "--reason", "a test record, never an event")
    assert discarded.returncode == 0, discarded.stderr
    assert "discarded" in discarded.stdout
    before = settled_report(ports, month)
    assert qa(ports, "verify").returncode == 0

    # Taken while the platform runs, as an operator would.
    taken = platform_command("backup", "--data-dir", str(data_dir), "--to", str(saved))
    assert taken.returncode == 0, taken.stderr
    assert "base backup verified" in taken.stdout
    # A restore into a folder in use is refused, and changes nothing.
    busy = platform_command("restore", "--data-dir", str(data_dir), "--from", str(saved))
    assert busy.returncode == 1
    assert "in use" in busy.stderr
    assert first.interrupt() == 0

    shutil.rmtree(data_dir)  # the disk is lost
    restored = platform_command("restore", "--data-dir", str(data_dir), "--from", str(saved))
    assert restored.returncode == 0, restored.stderr

    again = Runner(with_demo)
    runners.append((again, data_dir, ports))
    again.wait_for(RUNNING, timeout=300)
    assert "Demo data already loaded" in again.output
    # Every hash chain verifies, each store against its signed checkpoints.
    verified = qa(ports, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    lines = [line for line in verified.stdout.splitlines() if line.strip()]
    assert len(lines) == len(SERVICES), verified.stdout
    for line in lines:  # a service that has recorded nothing has signed nothing either
        assert " intact: " in line, line
        assert "checked against checkpoint" in line or " 0 events" in line, line
    # The broker was empty: the relays published everything again, the inboxes absorbed
    # the repeats, and the report gives the same figures.
    assert settled_report(ports, month) == before
    # The dead letters and the decision about one came back with the stores.
    after = poll_rows(ports, "dead-letters")
    assert sorted((row[1], row[5]) for row in after) == sorted(
        (row[1], "discarded" if row[1] == pending[0][1] else "pending") for row in pending)
    assert again.interrupt() == 0

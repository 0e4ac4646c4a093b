"""Where the tests' (and benchmarks') real PostgreSQL and real Kafka-protocol broker come from.

In order of preference: DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS when set; for the broker,
Apache Kafka from Maven (shared/infra/apache_kafka.py) when QA_TEST_KAFKA=apache;
testcontainers when a Docker daemon answers (not the case on this project's CI machines,
so that path is not exercised here); otherwise the embedded PostgreSQL (data in a
temporary folder) and the bundled tansu broker on a free port.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

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


@contextlib.contextmanager
def kafka_server() -> Iterator[KafkaSettings]:
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield KafkaSettings(bootstrap_servers=servers)
        return
    if os.environ.get("QA_TEST_KAFKA") == "apache":
        node = ApacheKafka()
        node.start()
        try:
            yield KafkaSettings(bootstrap_servers=node.bootstrap_servers)
        finally:
            node.remove()
        return
    if docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("confluentinc/cp-kafka:7.8.0").with_kraft() as kafka:
            yield KafkaSettings(bootstrap_servers=kafka.get_bootstrap_server())
        return
    broker = EmbeddedBroker()
    broker.start()
    try:
        yield KafkaSettings(bootstrap_servers=broker.bootstrap_servers, idempotent_producer=False)
    finally:
        broker.stop()

"""Configuration from the environment (pydantic-settings), shared by every process."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    # Apache Kafka: leave on (idempotent producer, acks=all). The bundled tansu broker
    # refuses the idempotence handshake, so the embedded platform sets this to false.
    idempotent_producer: bool = True
    # 4 because the bundled tansu broker creates any topic a client asks about with 4
    # partitions (not configurable): restarted empty, it re-creates a topic at the first
    # consumer's metadata request, before the relay can, and a group assigned a different
    # count than the topic ended up with stranded events on the partition it never read.
    # With the same count whoever creates the topic, that cannot happen.
    topic_partitions: int = Field(default=4, ge=1)
    topic_prefix: str = "qa"
    # 6 s is the lowest session timeout Apache Kafka accepts by default
    # (group.min.session.timeout.ms): a killed consumer's partitions move on in ~8 s.
    session_timeout_ms: int = 6000
    # How long a fetch may wait for data. Kafka answers as soon as data arrives; the
    # bundled tansu broker holds a fetch for the whole wait, so this bounds its latency.
    # The 20 ms default is for tansu only: deploy/ sets Kafka's usual 500 for Apache Kafka.
    fetch_max_wait_ms: int = 20
    heartbeat_interval_ms: int = 1000
    # Static group membership (KIP-345): a consumer that comes back under the same id takes
    # its partitions back at once, instead of the group waiting out the dead member's
    # session and rebalancing. Must be stable per running instance and unique within the
    # group (the platform runner gives each service process one; on Kubernetes, a
    # StatefulSet pod's name). None: dynamic membership.
    group_instance_id: str | None = None
    # Topics this platform creates itself (ensure_topics). One copy suits a single local
    # broker; a production cluster wants 3 with min_insync_replicas 2, so that acks=all
    # survives one broker down without losing an acknowledged event. None: the broker's.
    topic_replication_factor: int = Field(default=1, ge=1)
    min_insync_replicas: int | None = Field(default=None, ge=1)
    # retention.ms of the topics this platform creates; -1 keeps events for ever. A
    # consumer added later reads its topics from the start, so a time-limited topic needs
    # the relay to re-publish from the store (which keeps every event) before it starts.
    # None: the broker's default (Apache Kafka's is 7 days).
    topic_retention_ms: int | None = Field(default=None, ge=-1)
    # How clients reach the brokers. A production cluster (e.g. Strimzi) wants SASL_SSL
    # with SCRAM and its cluster CA; the defaults suit a broker on loopback.
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    # A PEM file of the CA that signed the brokers' certificates; None: the system's CAs.
    ssl_cafile: str | None = None

    @property
    def bootstrap_list(self) -> list[str]:
        """The bootstrap servers one by one. FastStream takes a string as a single address
        (aiokafka itself splits it), so `a:9092,b:9092` must reach it as a list."""
        return [server.strip() for server in self.bootstrap_servers.split(",") if server.strip()]


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    # An administrative DSN (creates roles and schemas, runs migrations as the schema owner).
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    # The password the service's own LOGIN role is given; empty under trust auth.
    database_app_password: str | None = None
    database_pool_max: int = 10


def topic_for(prefix: str, service: str) -> str:
    return f"{prefix}.{service}.events"


def dead_letter_topic(prefix: str, consumer: str) -> str:
    return f"{prefix}.{consumer}.dead-letter"

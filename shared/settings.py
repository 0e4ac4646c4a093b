"""Configuration from the environment (pydantic-settings), shared by every process."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    # Apache Kafka: leave on (idempotent producer, acks=all). The bundled tansu broker
    # refuses the idempotence handshake, so the embedded platform sets this to false.
    idempotent_producer: bool = True
    topic_partitions: int = Field(default=3, ge=1)
    topic_prefix: str = "qa"
    # 6 s is the lowest session timeout Apache Kafka accepts by default
    # (group.min.session.timeout.ms): a killed consumer's partitions move on in ~8 s.
    session_timeout_ms: int = 6000
    # How long a fetch may wait for data. Kafka answers as soon as data arrives; the
    # bundled tansu broker holds a fetch for the whole wait, so this bounds its latency.
    fetch_max_wait_ms: int = 20
    heartbeat_interval_ms: int = 1000


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

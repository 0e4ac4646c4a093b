"""What every service process reads from its environment."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.kernel.identifiers import Slug
from shared.telemetry.tracing import tracer_provider

# The service areas a deployment starts with (the brief's list); a partnership sets its own.
DEFAULT_SERVICE_AREAS = ("childrens-social-care", "early-help", "youth-justice", "fostering",
                         "11-to-25")


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    tenant: Slug = "demo-authority"
    # Comma-separated: the service areas this deployment serves. A command for any other
    # is refused (422) and a read of any other answers 404.
    service_areas: Annotated[list[Slug], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_SERVICE_AREAS), min_length=1)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    # Defaults to the service's name; tests give each run its own.
    db_schema: str | None = None
    relay_poll_interval: float = 0.5
    # A file holding a number of seconds to add to the system clock: lets an operator
    # or an end-to-end test move a running service's "now" (e.g. to make actions overdue).
    clock_offset_file: str | None = None
    # Names this process in its readiness answer, so a runner can tell its own services
    # from another instance's answering on the same ports.
    instance_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    # The Ed25519 key that signs the store's checkpoints (shared/signing.py), a file no
    # database role can read; its checkpoints are also copied beside it. None: no
    # checkpoints, and verify checks the hash chains alone.
    checkpoint_key_file: str | None = None
    # Where the checkpoints are copied, when not beside the key (a read-only Secret mount).
    checkpoint_log_dir: str | None = None
    # Seconds between checkpoints (one is also taken at start and on POST /checkpoints).
    checkpoint_interval: float = Field(default=60.0, gt=0)
    log_level: str = "INFO"
    log_json: bool = False
    # Where OpenTelemetry spans go: nowhere (the default) or an OTLP/HTTP collector.
    traces_exporter: Literal["none", "otlp"] = "none"
    otlp_traces_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    # Seconds between reads of the database-sampled metrics (relay backlog, pending dead
    # letters, the domain clocks).
    metrics_sample_interval: float = Field(default=5.0, gt=0)

    def tracer_provider(self, service: str) -> TracerProvider | None:
        """Where the service's spans go, if they are exported; None: nowhere."""
        if self.traces_exporter == "none":
            return None
        # Imported here: a deployment that exports nothing never loads the exporter.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=self.otlp_traces_endpoint)
        return tracer_provider(service, BatchSpanProcessor(exporter))

    @field_validator("service_areas", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [area.strip() for area in value.split(",") if area.strip()]
        return value

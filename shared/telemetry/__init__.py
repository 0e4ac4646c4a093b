"""What a running service tells its operators: Prometheus metrics (`metrics.py`),
OpenTelemetry spans joined by the envelope's correlation and causation ids
(`tracing.py`), and the fields every log line of a piece of work carries (`context.py`).

Every service gets them from the host, from its ServiceDefinition: nothing here is
written per service. The kit, the store, the relay and the consumers report through the
one `Telemetry` its process makes at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry.trace import NoOpTracer, Tracer
from prometheus_client import CollectorRegistry

from shared.telemetry.metrics import ServiceMetrics


@dataclass(frozen=True)
class Telemetry:
    service: str
    tracer: Tracer
    metrics: ServiceMetrics

    @classmethod
    def create(cls, service: str, tracer: Tracer | None = None) -> Telemetry:
        """Metrics in a registry of the service's own (several services may share a
        process in tests), spans to `tracer` (none: nowhere)."""
        return cls(service, tracer or NoOpTracer(),
                   ServiceMetrics(CollectorRegistry(auto_describe=True), service))

    @classmethod
    def quiet(cls, service: str = "unnamed") -> Telemetry:
        """Spans to nowhere and metrics nobody scrapes: unit tests and tools."""
        return cls.create(service)

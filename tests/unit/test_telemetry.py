"""The telemetry a service gets from its settings: spans go nowhere unless OTLP is asked
for, and then reach an OTLP/HTTP collector; derived spans carry the ids the envelope
implies, so services join one trace without passing any context."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.host.settings import ServiceSettings
from shared.telemetry.tracing import (
    derived_span,
    publish_span_id,
    trace_id_of,
    tracer_provider,
    work_span_id,
)


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    """A stand-in OTLP/HTTP collector: records each request's path, type and body."""
    received: list[tuple[str, str, bytes]] = []

    class Collect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Collect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/traces", received
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_spans_go_nowhere_by_default_and_to_the_collector_when_configured(
        collector: tuple[str, list[tuple[str, str, bytes]]]) -> None:
    assert ServiceSettings().tracer_provider("tracker") is None
    endpoint, received = collector
    provider = ServiceSettings(traces_exporter="otlp",
                               otlp_traces_endpoint=endpoint).tracer_provider("tracker")
    assert provider is not None
    provider.get_tracer("test").start_span("command RaiseAction").end()
    assert provider.force_flush(10_000)
    provider.shutdown()
    [(path, content_type, body)] = received
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    assert b"command RaiseAction" in body
    assert b"qa-tracker" in body  # the service's name, as the collector will show it


def test_derived_spans_carry_the_ids_the_envelope_implies() -> None:
    exporter = InMemorySpanExporter()
    tracer = tracer_provider("audit", SimpleSpanProcessor(exporter)).get_tracer("test")
    correlation, command, event = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    derived_span(tracer, "command SubmitAudit", trace_id=trace_id_of(correlation),
                 span_id=work_span_id("audit", command), parent_span_id=None).end()
    derived_span(tracer, "publish AuditSubmitted", trace_id=trace_id_of(correlation),
                 span_id=publish_span_id(event),
                 parent_span_id=work_span_id("audit", command)).end()
    # Spans started without derived ids get random ones, as usual.
    tracer.start_span("other").end()
    root, published, other = exporter.get_finished_spans()
    assert root.context is not None
    assert published.context is not None
    assert other.context is not None
    assert root.context.trace_id == correlation.int == published.context.trace_id
    assert root.parent is None
    assert published.parent is not None
    assert published.parent.span_id == root.context.span_id
    assert published.context.span_id == publish_span_id(event)
    assert other.context.trace_id != correlation.int

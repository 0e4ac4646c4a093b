"""OpenTelemetry spans, joined across services by the envelope's own ids.

A span's ids are derived from what every event already carries, so no trace context
has to be stored with an event or trusted from a header:

- the trace id is the envelope's correlation id (a UUID is 128 bits, as a trace id is),
  so everything one command set off, in every service, is one trace;
- the span of work done in service S on behalf of X (a command whose id is X, or the
  handling of the event whose id is X) has the id `work_span_id(S, X)`;
- an event's relay publish has the id `publish_span_id(event id)`, and its parent is the
  work span that recorded the event: `work_span_id(S, causation id)`;
- a consumer's handling of an event is a child of that event's publish span.

Each link can be computed by whoever holds the envelope: the relay, days later, from the
store; a consumer in another process from the record. `DerivedIds` hands the SDK those
ids for the spans that need them; every other span gets random ones.

Spans go nowhere unless the settings say so (`TRACES_EXPORTER=otlp`, shared/host).
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import (
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    TraceFlags,
    Tracer,
)
from opentelemetry.util.types import AttributeValue

from shared.kernel.envelope import Envelope

if TYPE_CHECKING:
    from shared.telemetry import Telemetry

_NEXT_TRACE_ID: ContextVar[int | None] = ContextVar("qa_next_trace_id", default=None)
_NEXT_SPAN_ID: ContextVar[int | None] = ContextVar("qa_next_span_id", default=None)
# The tracer of the work in hand, so the store and the projections can add child spans
# without being handed one.
_CURRENT_TRACER: ContextVar[Tracer | None] = ContextVar("qa_current_tracer", default=None)


class DerivedIds(RandomIdGenerator):
    """Random ids, except for the span being started by `derived_span`."""

    def generate_trace_id(self) -> int:
        derived = _NEXT_TRACE_ID.get()
        return derived if derived is not None else super().generate_trace_id()

    def generate_span_id(self) -> int:
        derived = _NEXT_SPAN_ID.get()
        return derived if derived is not None else super().generate_span_id()

    def is_trace_id_random(self) -> bool:
        return False  # a correlation id, chosen by whoever started the work


def tracer_provider(service: str, *processors: SpanProcessor) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": f"qa-{service}"}),
                              id_generator=DerivedIds())
    for processor in processors:
        provider.add_span_processor(processor)
    return provider


def trace_id_of(correlation_id: uuid.UUID) -> int:
    return correlation_id.int or 1  # an all-zero id is invalid; a UUID4 never is


def _span_id(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") or 1


def work_span_id(service: str, on_behalf_of: uuid.UUID) -> int:
    return _span_id("work", service, str(on_behalf_of))


def publish_span_id(event_id: uuid.UUID) -> int:
    return _span_id("publish", str(event_id))


def traceparent(envelope: Envelope) -> str:
    """The W3C header for a published record, so tools outside the platform can follow."""
    return (f"00-{trace_id_of(envelope.correlation_id):032x}-"
            f"{publish_span_id(envelope.event_id):016x}-01")


def derived_span(tracer: Tracer, name: str, *, trace_id: int, span_id: int,
                 parent_span_id: int | None, kind: SpanKind = SpanKind.INTERNAL,
                 attributes: Mapping[str, AttributeValue] | None = None) -> Span:
    """Start (not enter) a span with the given ids, under a parent known only by its id."""
    if parent_span_id is None:
        parent = otel_context.Context()  # a root: not a child of whatever is current
    else:
        parent = trace.set_span_in_context(NonRecordingSpan(SpanContext(
            trace_id, parent_span_id, is_remote=True,
            trace_flags=TraceFlags(TraceFlags.SAMPLED))))
    trace_token = _NEXT_TRACE_ID.set(trace_id)
    span_token = _NEXT_SPAN_ID.set(span_id)
    try:
        return tracer.start_span(name, context=parent, kind=kind, attributes=attributes)
    finally:
        _NEXT_SPAN_ID.reset(span_token)
        _NEXT_TRACE_ID.reset(trace_token)


def publish_span(telemetry: Telemetry, envelope: Envelope) -> Span:
    """An event's relay publish (the caller ends it once the broker acknowledged): a child
    of the work that recorded it, in the service whose relay publishes it."""
    return derived_span(
        telemetry.tracer, f"publish {envelope.event_type}",
        trace_id=trace_id_of(envelope.correlation_id), span_id=publish_span_id(envelope.event_id),
        parent_span_id=work_span_id(telemetry.service, envelope.causation_id),
        kind=SpanKind.PRODUCER,
        attributes={**envelope_attributes(envelope), "qa.service": telemetry.service})


def envelope_attributes(envelope: Envelope) -> dict[str, AttributeValue]:
    """What a span says of an event: ids and type only, never the payload."""
    return {"qa.event_id": str(envelope.event_id), "qa.event_type": envelope.event_type,
            "qa.stream_id": envelope.stream_id, "qa.stream_version": envelope.stream_version,
            "qa.correlation_id": str(envelope.correlation_id),
            "qa.causation_id": str(envelope.causation_id)}


@contextlib.contextmanager
def working(tracer: Tracer, span: Span) -> Iterator[Span]:
    """Make `span` current (and `tracer` the one for child spans) until the block ends;
    the span ends then too, marked as an error if the block raised."""
    token = _CURRENT_TRACER.set(tracer)
    try:
        with trace.use_span(span, end_on_exit=True):
            yield span
    finally:
        _CURRENT_TRACER.reset(token)


@contextlib.contextmanager
def child_span(name: str, attributes: Mapping[str, AttributeValue] | None = None
               ) -> Iterator[None]:
    """A span under the current one, if some work is being traced; otherwise nothing."""
    tracer = _CURRENT_TRACER.get()
    if tracer is None:
        yield
        return
    with tracer.start_as_current_span(name, attributes=attributes):
        yield

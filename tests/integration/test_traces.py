"""One audit's journey is one connected OpenTelemetry trace across services: the audit
and tracker services run by the real host in this process, over the real PostgreSQL and
broker, their spans caught by an in-memory exporter. The auditor's submission (its
command and append), the audit relay's publish of each event, and the tracker's handling
of each (its reaction's append and projection) share the trace id the correlation id
gives them, and every span but the command's has its parent among them."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.audit.bootstrap import definition as audit_service
from services.tracker.bootstrap import TrackerSettings
from services.tracker.bootstrap import definition as tracker_service
from shared.host.app import create_app
from shared.host.definition import ServiceDefinition
from shared.host.messaging import MessagingHost
from shared.host.resources import ServiceResources
from shared.host.settings import ServiceSettings
from shared.kernel.actor import Person
from shared.kernel.envelope import EventMetadata, seal
from shared.messaging.kafka import producer
from shared.postgres.provisioning import drop_schema
from shared.settings import DatabaseSettings, KafkaSettings, topic_for
from shared.telemetry import Telemetry
from shared.telemetry.tracing import tracer_provider
from tests.conftest import unique
from tests.integration.test_audit_lifecycle import AREA, TODAY, actions, allocated, person
from tests.messaging_support import eventually
from tests.unit.audit.builders import inadequate

TENANT = "test-authority"


@contextlib.asynccontextmanager
async def running(definition: ServiceDefinition, postgres_dsn: str, kafka: KafkaSettings,
                  exporter: InMemorySpanExporter) -> AsyncIterator[httpx.AsyncClient]:
    schema = unique(definition.name)
    settings = ServiceSettings(db_schema=schema, tenant=TENANT, service_areas=[AREA],
                               relay_poll_interval=0.1)
    tracer = tracer_provider(definition.name, SimpleSpanProcessor(exporter)).get_tracer("qa")
    resources = ServiceResources(definition, settings,
                                 DatabaseSettings(database_url=postgres_dsn),
                                 telemetry=Telemetry.create(definition.name, tracer))
    app = create_app(resources, MessagingHost(resources, kafka))
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=f"http://{definition.name}",
                timeout=30) as client:
            yield client
    finally:
        await drop_schema(postgres_dsn, schema)


async def as_allocation_publishes(kafka: KafkaSettings, auditor: str) -> None:
    case = allocated(auditor, "CH-8001")
    stream = f"allocation-{case.allocation_id}"
    metadata = EventMetadata(tenant=TENANT, service_area=AREA,
                             actor=Person(person_id="qa-officer-1", role="qa-officer"),
                             occurred_at=datetime.now(tz=UTC), correlation_id=uuid.uuid4(),
                             causation_id=uuid.uuid4())
    [envelope] = seal(stream, 1, [case], metadata)
    kafka_producer = producer(kafka)
    await kafka_producer.start()
    try:
        await kafka_producer.send_and_wait(topic_for(kafka.topic_prefix, "allocation"),
                                           envelope.canonical_json().encode(),
                                           key=stream.encode())
    finally:
        await kafka_producer.stop()


def of_trace(exporter: InMemorySpanExporter, correlation: uuid.UUID) -> list[ReadableSpan]:
    return [span for span in exporter.get_finished_spans()
            if span.context is not None and span.context.trace_id == correlation.int]


def named(spans: list[ReadableSpan], service: str, start: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name.startswith(start)
            and span.resource.attributes["service.name"] == f"qa-{service}"]


@pytest.mark.broker("tansu")
async def test_one_audits_journey_is_one_connected_trace_across_services(
        postgres_dsn: str, kafka: KafkaSettings) -> None:
    kafka = kafka.model_copy(update={"topic_prefix": unique("trace").replace("_", "-")})
    exporter = InMemorySpanExporter()
    auditor = person("tm-a")
    tracker_settings = TrackerSettings(scan_interval=60, notify_interval=60)
    async with (running(audit_service(), postgres_dsn, kafka, exporter) as audit,
                running(tracker_service(tracker_settings), postgres_dsn, kafka,
                        exporter) as tracker):
        await as_allocation_publishes(kafka, "tm-a")

        async def allocated_to_me() -> bool:
            return bool((await audit.get("/audits", headers=auditor)).json())
        await eventually(allocated_to_me)
        [mine] = (await audit.get("/audits", headers=auditor)).json()
        audit_id = mine["audit_id"]
        started = await audit.post(f"/audits/{audit_id}/start", json={}, headers=auditor)
        assert started.status_code == 201, started.text

        correlation = uuid.uuid4()
        submitted = await audit.post(f"/audits/{audit_id}/submission",
                                     json=inadequate(actions=actions(2, TODAY)),
                                     headers={**auditor, "X-Correlation-Id": str(correlation)})
        assert submitted.status_code == 201, submitted.text
        concern = submitted.json()["concern_id"]

        async def tracked() -> bool:
            answer = await tracker.get(f"/children-of-concern/{concern}",
                                       headers=person("hos-east", "head-of-service"))
            return answer.status_code == 200 and len(named(
                of_trace(exporter, correlation), "tracker", "handle")) == 3
        await eventually(tracked)
        await asyncio.sleep(0.5)  # any span still ending
        spans = of_trace(exporter, correlation)

    ids = {span.context.span_id for span in spans if span.context is not None}
    roots = [span for span in spans if span.parent is None]
    assert [(root.name, root.resource.attributes["service.name"]) for root in roots] == [
        ("command SubmitAudit", "qa-audit")]
    orphans = [span.name for span in spans
               if span.parent is not None and span.parent.span_id not in ids]
    assert orphans == [], "every span's parent is in the same trace"

    def by_name(service: str, start: str) -> list[str]:
        return sorted(
            span.name for span in named(spans, service, start))
    assert "append" in by_name("audit", "append")
    assert by_name("audit", "publish") == sorted(
        ["publish AuditSubmitted", "publish ActionRaised", "publish ActionRaised",
         "publish ChildOfConcernRaised"])
    assert by_name("tracker", "handle") == sorted(
        ["handle ActionRaised", "handle ActionRaised", "handle ChildOfConcernRaised"])
    assert by_name("tracker", "append"), "the tracker's reactions appended in the trace"
    # Each handling hangs off the publish of the very event it handled.
    publishes = {span.context.span_id: span for span in named(spans, "audit", "publish")
                 if span.context is not None}
    for handling in named(spans, "tracker", "handle"):
        assert handling.parent is not None
        published = publishes[handling.parent.span_id]
        assert published.attributes is not None
        assert handling.attributes is not None
        assert published.attributes["qa.event_id"] == handling.attributes["qa.event_id"]
    # Spans carry ids and types, never a payload value.
    text = repr([dict(span.attributes or {}) for span in spans])
    assert "CH-8001" not in text

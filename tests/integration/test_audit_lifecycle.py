"""The audit service as it runs (its HTTP API, its store and read models on the real
PostgreSQL, its consumers and relay on the real broker), fed allocation's and moderation's
events on their topics: a whole audit's life, with a draft saved and resumed, a refused
submission that records nothing, a Category 1 Child of Concern and several actions,
returned by moderation and resubmitted, grades changed, final with its record summary;
and a second audit made final by the cycle's close."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.audit.adapters.read_models import PROJECTION
from services.audit.bootstrap import definition
from shared.events.allocation import AuditCycleClosed, CaseAllocated
from shared.events.common import Grade, LegalStatus
from shared.events.moderation import AuditModerated, AuditReturnedForRework, GradeChanged
from shared.host.app import create_app
from shared.host.messaging import MessagingHost
from shared.host.resources import ServiceResources
from shared.host.settings import ServiceSettings
from shared.kernel.actor import Person
from shared.kernel.clock import LONDON
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import EventMetadata, seal
from shared.postgres.projections import rebuild
from shared.postgres.provisioning import drop_schema
from shared.settings import DatabaseSettings, KafkaSettings, topic_for
from tests.conftest import unique
from tests.messaging_support import read_topic
from tests.unit.audit.builders import body, inadequate

AREA = "childrens-social-care"
TODAY = datetime.now(tz=LONDON).date()
MONTH = TODAY.strftime("%Y-%m")
CYCLE = uuid.uuid4()
QA = {"X-Actor-Id": "qa-officer-1", "X-Actor-Role": "qa-officer"}


def person(person_id: str, role: str = "auditor") -> dict[str, str]:
    return {"X-Actor-Id": person_id, "X-Actor-Role": role}


class Service:
    """The running audit service, and a way to publish as allocation and moderation do."""

    def __init__(self, client: httpx.AsyncClient, producer: AIOKafkaProducer,
                 kafka: KafkaSettings, resources: ServiceResources) -> None:
        self.client, self.producer, self.kafka = client, producer, kafka
        self.resources = resources

    async def publish(self, service: str, stream: str, *events: EventContract,
                      actor: str = "qa-officer-1") -> None:
        metadata = EventMetadata(tenant="test-authority", service_area=AREA,
                                 actor=Person(person_id=actor, role="qa-officer"),
                                 occurred_at=datetime.now(tz=UTC),
                                 correlation_id=uuid.uuid4(), causation_id=uuid.uuid4())
        for envelope in seal(stream, 1, list(events), metadata):
            await self.producer.send_and_wait(
                topic_for(self.kafka.topic_prefix, service),
                value=envelope.canonical_json().encode(), key=stream.encode(),
                headers=[("event_type", envelope.event_type.encode()),
                         ("schema_version", str(envelope.schema_version).encode()),
                         ("event_id", str(envelope.event_id).encode()),
                         ("tenant", b"test-authority"), ("service_area", AREA.encode())])

    async def get(self, path: str, headers: dict[str, str] = QA) -> Any:
        response = await self.client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def post(self, path: str, json_body: Any, headers: dict[str, str],
                   status: int = 201) -> Any:
        response = await self.client.post(path, json=json_body, headers=headers)
        assert response.status_code == status, response.text
        return response.json()


@pytest.fixture
async def service(postgres_dsn: str, kafka: KafkaSettings) -> AsyncIterator[Service]:
    schema = unique("audit")
    settings = ServiceSettings(db_schema=schema, tenant="test-authority",
                               service_areas=[AREA], relay_poll_interval=0.1)
    kafka = kafka.model_copy(update={"topic_prefix": unique("al").replace("_", "-")})
    resources = ServiceResources(definition(), settings,
                                 DatabaseSettings(database_url=postgres_dsn))
    app = create_app(resources, MessagingHost(resources, kafka))
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers)
    await producer.start()
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://audit") as client:
            yield Service(client, producer, kafka, resources)
    finally:
        await producer.stop()
        with contextlib.suppress(Exception):
            await drop_schema(postgres_dsn, schema)


async def until(check: Callable[[], Awaitable[Any]], timeout: float = 30) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        with contextlib.suppress(AssertionError, KeyError, IndexError, TypeError):
            found = await check()
            if found:
                return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not so within {timeout}s")
        await asyncio.sleep(0.1)


def allocated(auditor: str, child: str) -> CaseAllocated:
    return CaseAllocated(
        allocation_id=uuid.uuid4(), cycle_id=CYCLE, month=MONTH,
        return_deadline=TODAY + timedelta(days=10), case_id=uuid.uuid4(), child_ref=child,
        legal_status=LegalStatus.CHILD_PROTECTION, case_team="safeguarding",
        auditor_id=auditor, auditor_team="assessment")


def actions(count: int, first_due: date) -> list[dict[str, Any]]:
    return [{"description": f"Action {n}: review the safety plan", "owner_id": f"hos-{n}",
             "due_date": (first_due + timedelta(days=n)).isoformat(),
             "priority": ("high", "medium", "low")[n % 3]} for n in range(count)]


async def test_an_audits_whole_life_over_the_running_service(service: Service) -> None:
    first, second = allocated("tm-a", "CH-7001"), allocated("tm-b", "CH-7002")
    await service.publish("allocation", f"allocation-{first.allocation_id}", first)
    await service.publish("allocation", f"allocation-{second.allocation_id}", second)
    mine = await until(lambda: service.get("/audits", person("tm-a")))
    audit = mine[0]["audit_id"]
    assert (mine[0]["audit_tool"], mine[0]["tool_version"], mine[0]["status"]) == (
        "core", 1, "assigned")
    auditor = person("tm-a")

    # Only the allocated auditor starts it; a draft is saved, and resumed merged.
    await service.post(f"/audits/{audit}/start", {}, person("tm-b"), 403)
    await service.post(f"/audits/{audit}/start", {}, auditor)
    await service.post(f"/audits/{audit}/draft", {
        "answers": {"child-seen-alone": "yes"}, "element_grades": {"risk": "inadequate"},
        "strengths": "The worker knows the child well."}, auditor)
    await service.post(f"/audits/{audit}/draft", {
        "element_grades": {"impact": "inadequate"}, "overall_grade": "inadequate"}, auditor)
    resumed = await service.get(f"/audits/{audit}", auditor)
    assert resumed["status"] == "in-progress"
    assert resumed["draft"] == {
        "answers": {"child-seen-alone": "yes"},
        "element_grades": {"risk": "inadequate", "impact": "inadequate"},
        "overall_grade": "inadequate", "strengths": "The worker knows the child well."}

    # An invalid submission: 422 naming each field, and nothing recorded.
    before = len(await service.get(f"/audits/{audit}/trail"))
    refused = await service.post(f"/audits/{audit}/submission", inadequate(
        answers={}, child_of_concern=None, actions=actions(1, TODAY - timedelta(days=60))),
        auditor, 422)
    locs = [error["loc"] for error in refused["errors"]]
    assert ["body", "answers", "child-seen-in-timescales"] in locs
    assert ["body", "child_of_concern"] in locs
    assert ["body", "actions", 0, "due_date"] in locs
    assert len(await service.get(f"/audits/{audit}/trail")) == before

    # Submitted: inadequate, a Category 1 Child of Concern, three actions.
    submitted = await service.post(f"/audits/{audit}/submission",
                                   inadequate(actions=actions(3, TODAY)), auditor)
    assert (submitted["submission"], submitted["limited_by"]) == (1, ["risk", "impact"])
    assert len(submitted["action_ids"]) == 3
    assert submitted["concern_id"] is not None
    on_the_wire = await read_topic(service.kafka, topic_for(service.kafka.topic_prefix,
                                                            "audit"), 5)
    published = [json.loads(record.value) for record in on_the_wire]
    assert [e["event_type"] for e in published] == [
        "AuditSubmitted", "ActionRaised", "ActionRaised", "ActionRaised",
        "ChildOfConcernRaised"]
    concern = published[-1]["payload"]
    assert (concern["category"], concern["immediacy"], concern["decided_by"]) == (
        1, "same-day", "auditor")
    assert published[0]["payload"]["element_grades"]["risk"] == "inadequate"
    assert "strengths" not in published[0]["payload"], "findings stay in the audit service"

    # Moderation finds it below standard and returns it with reasons.
    moderation = f"moderation-{uuid.uuid4()}"
    await service.publish("moderation", moderation, AuditModerated(
        audit_id=audit, month=MONTH, moderator_id="mod-1", outcome="below-standard",
        original_grade=Grade.INADEQUATE, moderated_grade=Grade.INADEQUATE),
        AuditReturnedForRework(audit_id=audit, month=MONTH, moderator_id="mod-1",
                               reasons="Findings do not evidence the grades given"))
    returned = await until(lambda: _status(service, audit, "returned"))
    assert returned["returned_reasons"] == "Findings do not evidence the grades given"
    assert returned["draft"]["overall_grade"] == "inadequate", "rework starts from it"

    # Resubmitted: submission 2; the concern raised already is not asked again.
    again = inadequate(child_of_concern=None, actions=actions(1, TODAY + timedelta(days=5)),
                       strengths="The worker knows the child well; direct work is regular.")
    resubmitted = await service.post(f"/audits/{audit}/submission", again, auditor)
    assert (resubmitted["submission"], resubmitted["concern_id"]) == (2, None)

    # Moderated: the overall grade and one element changed; final once both have come.
    await service.publish("moderation", f"moderation-{uuid.uuid4()}", AuditModerated(
        audit_id=audit, month=MONTH, moderator_id="mod-1", outcome="grades-changed",
        original_grade=Grade.INADEQUATE, moderated_grade=Grade.INADEQUATE,
        changed_elements=["assessment"], rationale="Assessment not analytical",
        submission=2), GradeChanged(
        audit_id=audit, month=MONTH, moderator_id="mod-1", element="assessment",
        from_grade=Grade.GOOD, to_grade=Grade.REQUIRES_IMPROVEMENT,
        rationale="Assessment not analytical"))
    final = await until(lambda: _status(service, audit, "final"))
    assert final["element_grades"]["assessment"] == "requires-improvement"
    summary = await service.get(f"/audits/{audit}/record-summary",
                                person("mosaic", "case-record-integrator"))
    assert (summary["final_grade"], summary["submission"], summary["moderated_by"]) == (
        "inadequate", 2, "mod-1")
    assert len(summary["actions"]) == 4
    assert summary["children_of_concern"][0]["category"] == 1
    page = await service.client.get(f"/audits/{audit}/record-summary.html", headers=QA)
    assert "direct work is regular" in page.text

    # The trail keeps both submissions and how the draft evolved.
    kinds = [event["event_type"] for event in await service.get(f"/audits/{audit}/trail")]
    assert kinds.count("AuditDraftSaved") == 2
    assert kinds.count("AuditSubmitted") == 2
    assert kinds[-1] == "AuditFinalised"

    # The second audit, submitted and not sampled, is final at the cycle's close.
    other = (await until(lambda: service.get("/audits", person("tm-b"))))[0]["audit_id"]
    await service.post(f"/audits/{other}/submission", body(actions=[]), person("tm-b"))
    await service.publish("allocation", f"allocationcycle-{CYCLE}", AuditCycleClosed(
        cycle_id=CYCLE, month=MONTH, auditors_in_pool=2, non_operational_exemptions=0,
        operational_exemptions=0, allocated=2, completed=2, late_returns=0, nil_returns=0))
    closed = await until(lambda: _status(service, other, "final"))
    assert (closed["moderated"], closed["completed_to_standard"]) == (False, True)

    # The read models rebuilt from the store are the ones kept inline.
    kept = await _tables(service)
    await rebuild(PROJECTION, service.resources.store, service.resources.definition.registry)
    assert await _tables(service) == kept


async def _status(service: Service, audit: str, status: str) -> dict[str, Any] | None:
    view: dict[str, Any] = await service.get(f"/audits/{audit}")
    return view if view["status"] == status else None


async def _tables(service: Service) -> dict[str, list[tuple[object, ...]]]:
    pool = service.resources.pool
    return {table: [tuple(row.values()) for row in await pool.fetch(
        f"SELECT * FROM {table} ORDER BY 1")] for table in PROJECTION.tables}

"""Moderation over a real PostgreSQL: other services' events delivered as the consumer
delivers them (wire form, inbox, the subscription's reaction in its transaction), and
people's commands through the HTTP API and the command runner: agree, change an element
and the overall grade, return for rework then resubmit, revise a category, set a policy.
Every refusal answers 4xx naming the problem and records nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from services.moderation.adapters.read_models import PROJECTION
from services.moderation.bootstrap import definition
from services.moderation.domain.events import REGISTRY
from shared.events.allocation import CaseAllocated, StaffMemberRecorded
from shared.events.audit import AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade, LegalStatus
from shared.events.vocabulary import StaffRole, WorkingPattern
from shared.http.api import service_api
from shared.kernel.actor import SystemProcess
from shared.kernel.clock import SystemClock
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import EventMetadata, seal
from shared.kit.commands import CommandRunner
from shared.kit.unit_of_work import UnitOfWork
from shared.messaging.inbox import Delivery, take_effect_once
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.projections import rebuild
from shared.postgres.provisioning import drop_schema, provision
from shared.postgres.transactions import PostgresTransactions

AREA = "childrens-social-care"
MONTH = "2026-11"
ELEMENTS = {"risk": "good", "assessment": "requires-improvement", "impact": "good"}


@dataclass
class Moderation:
    pool: asyncpg.Pool
    transactions: PostgresTransactions
    http: httpx.AsyncClient

    async def deliver(self, event: EventContract, stream: str = "") -> None:
        """As the consumer does: the wire form, the inbox, the subscription's reaction."""
        metadata = EventMetadata(tenant="t", service_area=AREA,
                                 actor=SystemProcess(name="other-service"),
                                 occurred_at=datetime.now(UTC), correlation_id=uuid.uuid4(),
                                 causation_id=uuid.uuid4())
        envelope = seal(stream or f"other-{uuid.uuid4()}", 1, [event], metadata)[0]
        decoded = REGISTRY.decode(envelope.event_type, envelope.schema_version,
                                  envelope.payload)
        (subscription,) = [s for s in definition().subscriptions if type(decoded) in s.handles]
        reaction, actor = subscription.reactions[type(decoded)], subscription.actor
        assert actor is not None

        async def handle(delivery: Delivery) -> None:
            unit = UnitOfWork(self.transactions.session(delivery.conn), REGISTRY,
                              EventMetadata.reacting_to(delivery.envelope, actor,
                                                        datetime.now(UTC)),
                              cause=delivery.envelope)
            await reaction(delivery.event, unit)

        assert await take_effect_once(self.pool, "moderation-test", envelope, decoded, handle)

    async def events(self, *types: str) -> list[str]:
        rows = await self.pool.fetch("SELECT event_type FROM events ORDER BY global_position")
        return [r["event_type"] for r in rows if not types or r["event_type"] in types]

    async def post(self, path: str, body: dict[str, Any], person: str,
                   role: str = "moderator") -> httpx.Response:
        return await self.http.post(path, json=body, headers={
            "X-Actor-Id": person, "X-Actor-Role": role})

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.http.get(path, params=params, headers={
            "X-Actor-Id": "qa-1", "X-Actor-Role": "qa-officer"})
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def moderation(postgres_dsn: str) -> AsyncIterator[Moderation]:
    schema = f"mod_{uuid.uuid4().hex[:10]}"
    migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE) + load_migrations(
        "services.moderation.adapters.migrations")
    database = await provision(postgres_dsn, schema, migrations)
    pool = await create_pool(database.app_dsn, schema)
    service = definition()
    transactions = PostgresTransactions(EventStore(pool), service.projections)
    app = service_api("moderation", service.routers, [AREA])
    app.state.commands = CommandRunner(transactions, REGISTRY, "t", SystemClock())
    app.state.clock = SystemClock()
    app.state.provided = {port: make(pool) for port, make in service.queries.items()}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield Moderation(pool, transactions, http)
    finally:
        await pool.close()
        await drop_schema(postgres_dsn, schema)


def staff(person: str, team: str, *, external: bool = False,
          moderator: bool = True) -> StaffMemberRecorded:
    return StaffMemberRecorded(
        person_id=person, change="trained-as-moderator", effective_on=date(2024, 1, 1),
        role=StaffRole.EXTERNAL_MODERATOR if external else StaffRole.SERVICE_MANAGER,
        team=team, working_pattern=WorkingPattern.FULL_TIME, auditor_since=date(2020, 1, 1),
        moderator_since=date(2023, 1, 1) if moderator else None, external=external)


async def an_audit(m: Moderation, grade: str = "good", *, submission: int = 1,
                   audit_id: uuid.UUID | None = None, allocation_id: uuid.UUID | None = None,
                   elements: dict[str, str] | None = None) -> uuid.UUID:
    """Allocated (case team safeguarding, worked by sw-1 and tm-safe) and submitted by
    aud-1; the pool: mod-safe (the case's team), tm-safe, and ext-1 (external)."""
    audit_id = audit_id or uuid.uuid4()
    allocation_id = allocation_id or uuid.uuid4()
    if submission == 1:
        await m.deliver(CaseAllocated(
            allocation_id=allocation_id, cycle_id=uuid.uuid4(), month=MONTH,
            return_deadline=date(2026, 11, 28), case_id=uuid.uuid4(), child_ref="CH-0042",
            legal_status=LegalStatus.CHILD_PROTECTION, case_team="safeguarding",
            auditor_id="aud-1", auditor_team="assessment", social_worker_id="sw-1",
            case_manager_id="tm-safe"))
    await m.deliver(AuditSubmitted(
        audit_id=audit_id, allocation_id=allocation_id, cycle_id=uuid.uuid4(), month=MONTH,
        case_id=uuid.uuid4(), child_ref="CH-0042", legal_status=LegalStatus.CHILD_PROTECTION,
        case_team="safeguarding", auditor_id="aud-1", overall_grade=Grade(grade), late=False,
        submission=submission,
        element_grades={k: Grade(v) for k, v in (elements or ELEMENTS).items()}),
        stream=f"audit-{audit_id}")
    return audit_id


async def with_pool(m: Moderation) -> None:
    for record in (staff("mod-safe", "safeguarding"), staff("tm-safe", "front-door"),
                   staff("ext-1", "external", external=True), staff("aud-1", "assessment")):
        await m.deliver(record)


async def test_an_agreement_by_the_assigned_moderator_after_refusals_that_change_nothing(
    moderation: Moderation,
) -> None:
    m = moderation
    await with_pool(m)
    audit = await an_audit(m)
    (row,) = await m.get("/moderations", service_area=AREA)
    # Not the case's team (mod-safe), not its manager (tm-safe), not the auditor: ext-1.
    assert (row["status"], row["assigned_to"], row["assigned_external"]) == (
        "awaiting", "ext-1", True)
    assert row["sample_reasons"] == ["random"]  # the default policy: every audit
    before = await m.events()
    own = await m.post(f"/moderations/{audit}", {"outcome": "agreed"}, "aud-1")
    not_yours = await m.post(f"/moderations/{audit}", {"outcome": "agreed"}, "mod-safe")
    off_scale = await m.post(f"/moderations/{audit}", {"outcome": "grades-changed", "changes": {
        "risk": {"grade": "adequate", "rationale": "x"}}}, "ext-1")
    no_rationale = await m.post(f"/moderations/{audit}", {"outcome": "grades-changed",
                                                          "changes": {"risk": {"grade": "good"}}},
                                "ext-1")
    assert (own.status_code, not_yours.status_code) == (403, 403)
    assert "own audit" in own.json()["detail"]
    assert "assigned to ext-1, not to you" in not_yours.json()["detail"]
    assert off_scale.status_code == 422
    assert off_scale.json()["errors"][0]["loc"] == ["body", "changes", "risk", "grade"]
    assert "ofsted-2014" in off_scale.json()["errors"][0]["msg"]
    assert no_rationale.status_code == 422
    assert no_rationale.json()["errors"][0]["loc"][-1] == "rationale"
    assert await m.events() == before

    agreed = await m.post(f"/moderations/{audit}", {"outcome": "agreed"}, "ext-1")
    assert agreed.status_code == 201, agreed.text
    assert (await m.get(f"/moderations/{audit}"))["status"] == "moderated"
    stats = await m.get("/calibration", service_area=AREA, month=MONTH, by="moderator")
    assert stats["all"]["share_agreed"] == 1.0
    assert stats["all"]["kappa"]["overall"]["undefined_because"] is not None  # one category
    assert [g["key"] for g in stats["groups"]] == ["ext-1"]


async def test_element_and_overall_changes_reach_the_read_models_and_calibration(
    moderation: Moderation,
) -> None:
    m = moderation
    await with_pool(m)
    audit = await an_audit(m)
    shown = await m.get(f"/moderations/{audit}")
    assert [(g["element"], g["auditor_grade"]) for g in shown["grades"]] == [
        ("assessment", "requires-improvement"), ("impact", "good"), ("risk", "good"),
        ("overall", "good")]
    assert "adequate" not in shown["grades"][0]["can_change_to"]
    changed = await m.post(f"/moderations/{audit}", {"outcome": "grades-changed", "changes": {
        "risk": {"grade": "requires-improvement", "rationale": "Risk not reassessed"},
        "overall": {"grade": "requires-improvement", "rationale": "Capped by risk"}}}, "ext-1")
    assert changed.status_code == 201, changed.text
    assert [c["element"] for c in changed.json()["changes"]] == ["risk", "overall"]
    shown = await m.get(f"/moderations/{audit}")
    assert [g["moderated_grade"] for g in shown["grades"]] == [
        None, None, "requires-improvement", "requires-improvement"]
    assert await m.events("GradeChanged", "AuditModerated") == [
        "GradeChanged", "GradeChanged", "AuditModerated"]
    stats = await m.get("/calibration", service_area=AREA, by="element")
    risk = next(g for g in stats["groups"] if g["key"] == "risk")
    assert (risk["grades_compared"], risk["changed_down"]) == (1, 1)
    assert stats["all"]["grades_compared"] == 4


async def test_returned_for_rework_then_resubmitted_goes_back_to_the_same_moderator(
    moderation: Moderation,
) -> None:
    m = moderation
    await with_pool(m)
    allocation = uuid.uuid4()
    audit = await an_audit(m, allocation_id=allocation)
    returned = await m.post(f"/moderations/{audit}", {
        "outcome": "below-standard", "reasons": "No analysis of risk"}, "ext-1")
    assert returned.status_code == 201, returned.text
    assert (await m.get(f"/moderations/{audit}"))["status"] == "returned"
    # Another external moderator joins with no workload: the resubmission still goes back.
    await m.deliver(staff("ext-2", "external", external=True))
    await an_audit(m, "requires-improvement", submission=2, audit_id=audit,
                   allocation_id=allocation)
    shown = await m.get(f"/moderations/{audit}")
    assert (shown["status"], shown["submission"], shown["moderator_id"]) == (
        "awaiting", 2, "ext-1")
    agreed = await m.post(f"/moderations/{audit}", {"outcome": "agreed"}, "ext-1")
    assert agreed.json()["submission"] == 2
    stats = await m.get("/calibration", service_area=AREA)
    assert (stats["all"]["decisions"], stats["all"]["returned"]) == (2, 1)


async def test_policy_late_category_1_sampling_and_a_category_revision(
    moderation: Moderation,
) -> None:
    m = moderation
    await with_pool(m)
    refused = await m.post(f"/sampling-policies/{AREA}", {"random_share": 0}, "ext-1")
    assert refused.status_code == 403
    policy = await m.post(f"/sampling-policies/{AREA}", {"random_share": 0, "seed": 7},
                          "hoq-1", "head-of-quality")
    assert policy.json()["version"] == 1
    audit = await an_audit(m, elements={"risk": "inadequate"})
    assert (await m.get(f"/moderations/{audit}"))["status"] == "not-sampled"
    concern = uuid.uuid4()
    await m.deliver(ChildOfConcernRaised(
        concern_id=concern, audit_id=audit, month=MONTH, child_ref="CH-0042",
        case_team="safeguarding", category=1, reason="Immediate risk"),
        stream=f"audit-{audit}")
    shown = await m.get(f"/moderations/{audit}")
    assert (shown["status"], shown["sample_reasons"], shown["moderator_id"]) == (
        "awaiting", ["category-1"], "ext-1")
    untrained = await m.post(f"/children-of-concern/{concern}/category",
                             {"category": 2, "rationale": "x"}, "sw-9")
    assert untrained.status_code == 403
    revised = await m.post(f"/children-of-concern/{concern}/category",
                           {"category": 2, "rationale": "Against Ofsted Annex H"},
                           "hoq-1", "head-of-quality")
    assert revised.status_code == 201, revised.text
    assert (revised.json()["from_category"], revised.json()["to_category"]) == (1, 2)
    assert await m.events("ChildOfConcernCategoryRevised") == ["ChildOfConcernCategoryRevised"]


async def test_read_models_rebuilt_from_the_store_equal_those_kept_inline(
    moderation: Moderation,
) -> None:
    m = moderation
    await with_pool(m)
    allocation = uuid.uuid4()
    returned = await an_audit(m, allocation_id=allocation)
    await m.post(f"/moderations/{returned}", {"outcome": "below-standard",
                                              "reasons": "Not evidenced"}, "ext-1")
    await an_audit(m, "requires-improvement", submission=2, audit_id=returned,
                   allocation_id=allocation)
    changed = await an_audit(m, "inadequate")
    response = await m.post(f"/moderations/{changed}", {
        "outcome": "grades-changed", "changes": {
            "risk": {"grade": "inadequate", "rationale": "Risk not reassessed"},
            "overall": {"grade": "requires-improvement", "rationale": "Escalated in time"}}},
        "ext-1")
    assert response.status_code == 201, response.text
    await m.post(f"/sampling-policies/{AREA}", {"random_share": 0.3}, "hoq-1", "qa-manager")

    async def tables() -> dict[str, list[str]]:
        return {table: sorted(repr(tuple(row.values()))
                              for row in await m.pool.fetch(f"SELECT * FROM {table}"))
                for table in PROJECTION.tables}

    inline = await tables()
    assert all(inline[t] for t in ("moderation_queue", "moderation_grades",
                                   "moderation_decisions", "moderation_pairs",
                                   "sampling_policies", "moderation_pool"))
    await rebuild(PROJECTION, EventStore(m.pool), REGISTRY)
    assert await tables() == inline

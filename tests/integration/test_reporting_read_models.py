"""The reporting read models against a real PostgreSQL, fed the way the consumer feeds them.

Each event is sealed in an envelope, goes through its wire form and the contract registry,
and takes effect once through the inbox with the service's own handler; the figures are
then read back through the monthly report use case over the PostgreSQL adapter.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from services.reporting.adapters.read_models import PROJECTION, PostgresMonthlyRows
from services.reporting.application.monthly_report import MonthlyReportQuery, MonthlyRows, handle
from services.reporting.entrypoints.http import monthly_rows, router
from shared.events import REGISTRY
from shared.events.allocation import AuditCycleOpened, CaseAllocated
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade, LegalStatus
from shared.events.moderation import AuditModerated
from shared.events.tracker import ActionOverdue
from shared.http.api import service_api
from shared.kernel.actor import SystemProcess
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope, EventMetadata, seal
from shared.kernel.errors import NotFound
from shared.messaging.inbox import Delivery, take_effect_once
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.provisioning import drop_schema, provision

CONSUMER = "reporting-test"
TENANT = "test-authority"
MONTH, NEXT_MONTH = "2025-03", "2025-04"


@pytest.fixture
async def pool(postgres_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    """A fresh schema with the shared migrations and the reporting service's own."""
    schema = f"rep_{uuid.uuid4().hex[:10]}"
    migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE) + load_migrations(
        "services.reporting.adapters.migrations"
    )
    database = await provision(postgres_dsn, schema, migrations)
    pool = await create_pool(database.app_dsn, database.schema)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_schema(postgres_dsn, schema)


def an_area() -> str:
    return f"area-{uuid.uuid4().hex[:8]}"


# --- building the facts ------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One event as its owning service publishes it, for one service area."""

    service_area: str
    stream_id: str
    version: int
    event: EventContract

    def envelope(self) -> Envelope:
        """Sealed afresh, so every call carries a new event id."""
        correlation = uuid.uuid4()
        metadata = EventMetadata(
            tenant=TENANT,
            service_area=self.service_area,
            actor=SystemProcess(name="reporting-test"),
            occurred_at=datetime.now(tz=UTC),
            correlation_id=correlation,
            causation_id=correlation,
        )
        return seal(self.stream_id, self.version, [self.event], metadata)[0]


def journey(area: str, month: str) -> dict[str, Fact]:
    """Case (a)'s facts for one service area and month, by name, in the order they happen.

    Three cases allocated; two audits submitted (one inadequate on time, one good but
    late); moderation changes the good one to requires-improvement; the inadequate audit
    raises a category 1 Child of Concern and two actions, one of which goes overdue.
    """
    allocations = [uuid.uuid4() for _ in range(3)]
    cycle_id = uuid.uuid4()
    inadequate, good = uuid.uuid4(), uuid.uuid4()
    concern, action_1, action_2 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def allocated(allocation_id: uuid.UUID) -> Fact:
        return Fact(area, f"allocation-{allocation_id}", 1, CaseAllocated(
            allocation_id=allocation_id, cycle_id=cycle_id, month=month,
            return_deadline=date(2025, 3, 28), case_id=uuid.uuid4(), child_ref="child-001",
            legal_status=LegalStatus.CHILD_IN_NEED, case_team="east",
            auditor_id="staff-0042", auditor_team="west",
        ))

    def submitted(audit_id: uuid.UUID, allocation_id: uuid.UUID, grade: Grade,
                  *, late: bool) -> Fact:
        return Fact(area, f"audit-{audit_id}", 2, AuditSubmitted(
            audit_id=audit_id, allocation_id=allocation_id, cycle_id=cycle_id, month=month,
            case_id=uuid.uuid4(), child_ref="child-001",
            legal_status=LegalStatus.CHILD_IN_NEED, case_team="east",
            auditor_id="staff-0042", overall_grade=grade, late=late,
        ))

    def action_raised(action_id: uuid.UUID, version: int) -> Fact:
        return Fact(area, f"audit-{inadequate}", version, ActionRaised(
            action_id=action_id, audit_id=inadequate, month=month, child_ref="child-001",
            case_team="east", description="Update the plan", owner_id="staff-0007",
            due_date=date(2025, 4, 15),
        ))

    return {
        "allocated 1": allocated(allocations[0]),
        "allocated 2": allocated(allocations[1]),
        "allocated 3": allocated(allocations[2]),
        "submitted inadequate": submitted(inadequate, allocations[0], Grade.INADEQUATE,
                                          late=False),
        "submitted good, late": submitted(good, allocations[1], Grade.GOOD, late=True),
        "moderated good to RI": Fact(area, f"moderation-{good}", 1, AuditModerated(
            audit_id=good, month=month, moderator_id="staff-0099", outcome="grades-changed",
            original_grade=Grade.GOOD, moderated_grade=Grade.REQUIRES_IMPROVEMENT,
            rationale="Plan not reviewed",
        )),
        "concern raised": Fact(area, f"audit-{inadequate}", 3, ChildOfConcernRaised(
            concern_id=concern, audit_id=inadequate, month=month, child_ref="child-001",
            case_team="east", category=1, reason="No visit in twelve weeks",
        )),
        "action 1 raised": action_raised(action_1, 4),
        "action 2 raised": action_raised(action_2, 5),
        "action 2 overdue": Fact(area, f"action-{action_2}", 2, ActionOverdue(
            action_id=action_2, audit_id=inadequate, month=month, owner_id="staff-0007",
            due_date=date(2025, 4, 15), detected_on=date(2025, 4, 16),
        )),
    }


def expected(area: str, month: str) -> dict[str, Any]:
    """The summary of one `journey`."""
    return {
        "service_area": area,
        "month": month,
        "allocated": 3,
        "completed": 2,
        "late": 1,
        "completion": "2/3 (67%)",
        "grades_before_moderation": {
            "outstanding": 0, "good": 1, "requires-improvement": 0, "inadequate": 1
        },
        "grades_after_moderation": {
            "outstanding": 0, "good": 0, "requires-improvement": 1, "inadequate": 1
        },
        "moderated": 1,
        "grades_changed": 1,
        "children_of_concern": {"1": 1, "2": 0},
        "actions": {"open": 1, "overdue": 1, "total": 2},
    }


# --- the consumer's path in, the report's path out ---------------------------------------


async def deliver(pool: asyncpg.Pool, envelope: Envelope) -> bool:
    """What the consumer does with a record: decode its wire form, then take effect once."""
    received = Envelope.from_json(envelope.canonical_json())
    event = REGISTRY.decode(received.event_type, received.schema_version, received.payload)
    assert type(event) in PROJECTION.handles

    async def project(delivery: Delivery) -> None:
        await PROJECTION.apply(delivery.conn, delivery.envelope, delivery.event)

    return await take_effect_once(pool, CONSUMER, received, event, project)


async def deliver_all(pool: asyncpg.Pool, facts: Iterable[Fact]) -> None:
    for fact in facts:
        assert await deliver(pool, fact.envelope()) is True


async def report(pool: asyncpg.Pool, area: str, month: str) -> dict[str, Any]:
    summary = await handle(MonthlyReportQuery(area, month), rows=PostgresMonthlyRows(pool))
    return summary.as_dict()


# --- the cases ---------------------------------------------------------------------------


async def test_a_month_delivered_in_order(pool: asyncpg.Pool) -> None:
    area = an_area()

    await deliver_all(pool, journey(area, MONTH).values())

    assert await report(pool, area, MONTH) == expected(area, MONTH)


# Each topic is consumed on its own, so facts from different services cross.
SCRAMBLED = [
    "moderated good to RI",
    "action 2 overdue",
    "submitted good, late",
    "concern raised",
    "submitted inadequate",
    "action 2 raised",
    "allocated 3",
    "action 1 raised",
    "allocated 2",
    "allocated 1",
]


async def test_the_same_month_delivered_out_of_order(pool: asyncpg.Pool) -> None:
    area = an_area()
    facts = journey(area, MONTH)
    assert sorted(SCRAMBLED) == sorted(facts)
    order = SCRAMBLED.index
    assert order("moderated good to RI") < order("submitted good, late")
    assert order("action 2 overdue") < order("action 2 raised")
    assert order("submitted good, late") < order("allocated 2")
    assert order("submitted inadequate") < order("allocated 1")

    await deliver_all(pool, (facts[name] for name in SCRAMBLED))

    assert await report(pool, area, MONTH) == expected(area, MONTH)


async def test_redeliveries_and_re_sent_facts_count_once(pool: asyncpg.Pool) -> None:
    area = an_area()
    facts = journey(area, MONTH)
    envelopes = [fact.envelope() for fact in facts.values()]

    for envelope in envelopes:
        assert await deliver(pool, envelope) is True
        assert await deliver(pool, envelope) is False  # redelivered: its offset commit was lost
    # A replay after a broker loss re-publishes the very same envelopes.
    assert [await deliver(pool, envelope) for envelope in envelopes] == [False] * len(envelopes)
    # The same facts under new event ids get past the inbox; the upserts must absorb them.
    await deliver_all(pool, reversed(facts.values()))

    assert await report(pool, area, MONTH) == expected(area, MONTH)


async def test_other_months_and_service_areas_do_not_leak_in(pool: asyncpg.Pool) -> None:
    area, neighbour = an_area(), an_area()
    journeys = [journey(area, MONTH), journey(area, NEXT_MONTH), journey(neighbour, MONTH)]

    # Interleaved, as they would arrive on the shared topics.
    for facts in zip(*(list(j.values()) for j in journeys), strict=True):
        await deliver_all(pool, facts)

    assert await report(pool, area, MONTH) == expected(area, MONTH)
    assert await report(pool, area, NEXT_MONTH) == expected(area, NEXT_MONTH)
    assert await report(pool, neighbour, MONTH) == expected(neighbour, MONTH)
    with pytest.raises(NotFound, match=f"no {NEXT_MONTH} cycle has been opened"):
        await report(pool, neighbour, NEXT_MONTH)


async def test_a_month_whose_cycle_opened_and_nothing_else_reports_zeros(
    pool: asyncpg.Pool,
) -> None:
    area = an_area()
    opened = AuditCycleOpened(cycle_id=uuid.uuid4(), month=NEXT_MONTH,
                              return_deadline=date(2025, 4, 30))
    await deliver_all(pool, [Fact(area, f"cycle-{opened.cycle_id}", 1, opened)])

    nothing = await report(pool, area, NEXT_MONTH)
    assert (nothing["allocated"], nothing["completed"], nothing["actions"]["total"]) == (0, 0, 0)
    assert nothing["completion"] == "0/0 (n/a)"


async def test_the_http_report_reads_the_same_figures(pool: asyncpg.Pool) -> None:
    area = an_area()
    await deliver_all(pool, journey(area, MONTH).values())
    app = service_api("reporting", [router], [area])

    def rows() -> MonthlyRows:  # the route's port, over the real pool
        return PostgresMonthlyRows(pool)

    app.dependency_overrides[monthly_rows] = rows
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(f"/reports/{area}/{MONTH}")

    assert response.status_code == 200
    assert response.json() == expected(area, MONTH)

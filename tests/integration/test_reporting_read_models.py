"""Reporting's event log and read models against a real PostgreSQL, fed the way the
consumer feeds them: each event sealed in an envelope, through its wire form and the
contract registry, taking effect once through the inbox with the service's projection;
the figures read back through the monthly report use case over the PostgreSQL adapters.

The month (March 2025, one service area), worked by hand:
- the pool: 4 auditors, one of them on maternity leave (non-operational);
- 3 cases allocated; 2 audits submitted (inadequate on time, good but late);
- completion net of non-operational 2/(4-1) = 2/3 (67%); overall 2/4 (50%);
- moderation (20 March) changes the good audit to requires improvement: after moderation
  1 inadequate, 1 requires improvement of 2; before it 1 good, 1 inadequate;
- the inadequate audit raises a Category 1 Child of Concern and two actions, due 15 April
  and 25 March: at the end of 31 March both are open and one (1/2, 50%) is overdue.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest

from services.reporting.adapters.event_log import FACTS
from services.reporting.adapters.evidence import PostgresEvidenceLog
from services.reporting.adapters.rebuild import PostgresReadModels
from services.reporting.adapters.records import PostgresReportRecords
from services.reporting.application.monthly_report import ReportQuery, handle
from services.reporting.application.read_models import SlotStatus
from shared.events import REGISTRY
from shared.events.allocation import AuditCycleOpened, AuditorExempted, CaseAllocated
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade, LegalStatus
from shared.events.moderation import AuditModerated
from shared.events.vocabulary import ExemptionKind
from shared.kernel.actor import SystemProcess
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope, EventMetadata, seal
from shared.kernel.errors import NotFound
from shared.messaging.inbox import Delivery, take_effect_once
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.provisioning import drop_schema, provision

CONSUMER = "reporting-test"
MONTH = "2025-03"
TODAY = date(2026, 1, 10)  # long after March: the report stands at 31 March


@pytest.fixture
async def pool(postgres_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    schema = f"rep_{uuid.uuid4().hex[:10]}"
    migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE) + load_migrations(
        "services.reporting.adapters.migrations")
    database = await provision(postgres_dsn, schema, migrations)
    pool = await create_pool(database.app_dsn, database.schema)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_schema(postgres_dsn, schema)


def an_area() -> str:
    return f"area-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Published:
    """One event as its owning service publishes it, recorded on `day` (noon UTC)."""

    service_area: str
    stream_id: str
    version: int
    day: int  # of March 2025
    event: EventContract

    def envelope(self) -> Envelope:
        correlation = uuid.uuid4()
        metadata = EventMetadata(
            tenant="test-authority", service_area=self.service_area,
            actor=SystemProcess(name="reporting-test"),
            occurred_at=datetime(2025, 3, self.day, 12, tzinfo=UTC),
            correlation_id=correlation, causation_id=correlation)
        return seal(self.stream_id, self.version, [self.event], metadata)[0]


def march(area: str) -> dict[str, Published]:
    cycle = uuid.uuid4()
    allocations = [uuid.uuid4() for _ in range(3)]
    inadequate, good = uuid.uuid4(), uuid.uuid4()

    def allocated(allocation_id: uuid.UUID) -> Published:
        return Published(area, f"allocation-{allocation_id}", 1, 2, CaseAllocated(
            allocation_id=allocation_id, cycle_id=cycle, month=MONTH,
            return_deadline=date(2025, 3, 28), case_id=uuid.uuid4(), child_ref="child-001",
            legal_status=LegalStatus.CHILD_IN_NEED, case_team="east",
            auditor_id="staff-0042", auditor_team="west"))

    def submitted(audit_id: uuid.UUID, allocation_id: uuid.UUID, grade: Grade,
                  *, late: bool) -> Published:
        return Published(area, f"audit-{audit_id}", 2, 10, AuditSubmitted(
            audit_id=audit_id, allocation_id=allocation_id, cycle_id=cycle, month=MONTH,
            case_id=uuid.uuid4(), child_ref="child-001",
            legal_status=LegalStatus.CHILD_IN_NEED, case_team="east",
            auditor_id="staff-0042", overall_grade=grade, late=late))

    def action(version: int, due: date) -> Published:
        return Published(area, f"audit-{inadequate}", version, 10, ActionRaised(
            action_id=uuid.uuid4(), audit_id=inadequate, month=MONTH, child_ref="child-001",
            case_team="east", description="Update the plan", owner_id="staff-0007",
            due_date=due))

    return {
        "opened": Published(area, f"cycle-{cycle}", 1, 1, AuditCycleOpened(
            cycle_id=cycle, month=MONTH, return_deadline=date(2025, 3, 28),
            auditors_in_pool=4)),
        "exempted": Published(area, f"cycle-{cycle}", 2, 1, AuditorExempted(
            cycle_id=cycle, month=MONTH, person_id="staff-0050",
            kind=ExemptionKind.MATERNITY, non_operational=True)),
        **{f"allocated {n}": allocated(a) for n, a in enumerate(allocations, 1)},
        "submitted inadequate": submitted(inadequate, allocations[0], Grade.INADEQUATE,
                                          late=False),
        "submitted good, late": submitted(good, allocations[1], Grade.GOOD, late=True),
        "concern raised": Published(area, f"audit-{inadequate}", 3, 10, ChildOfConcernRaised(
            concern_id=uuid.uuid4(), audit_id=inadequate, month=MONTH, child_ref="child-001",
            case_team="east", category=1, reason="No visit in twelve weeks")),
        "action due 15 April": action(4, date(2025, 4, 15)),
        "action due 25 March": action(5, date(2025, 3, 25)),
        "moderated good to RI": Published(area, f"moderation-{good}", 1, 20, AuditModerated(
            audit_id=good, month=MONTH, moderator_id="staff-0099", outcome="grades-changed",
            original_grade=Grade.GOOD, moderated_grade=Grade.REQUIRES_IMPROVEMENT,
            changed_elements=["overall"], rationale="Plan not reviewed")),
    }


async def deliver(pool: asyncpg.Pool, envelope: Envelope) -> bool:
    received = Envelope.from_json(envelope.canonical_json())
    event = REGISTRY.decode(received.event_type, received.schema_version, received.payload)

    async def project(delivery: Delivery) -> None:
        await FACTS.apply(delivery.conn, delivery.envelope, delivery.event)

    return await take_effect_once(pool, CONSUMER, received, event, project)


async def deliver_all(pool: asyncpg.Pool, facts: Iterable[Published]) -> None:
    for fact in facts:
        assert await deliver(pool, fact.envelope()) is True


async def report(pool: asyncpg.Pool, area: str, as_at: datetime | None = None
                 ) -> dict[str, Any]:
    query = ReportQuery(service_area=area, month=MONTH, served=[area], today=TODAY,
                        as_at=as_at)
    found = await handle(query, records=PostgresReportRecords(pool))
    return found.model_dump(mode="json")


def headline(found: dict[str, Any]) -> dict[str, Any]:
    much = found["how_much"]["this_month"]
    grades = found["how_well"]["grades_by_month"][-1]
    tracker = found["actions"]["now"]
    return {
        "pool": much["auditors_in_pool"], "allocated": much["allocated"],
        "completed": much["completed"], "late": much["late_returns"],
        "net": much["completion_net_of_non_operational"]["text"],
        "overall": much["completion_overall"]["text"],
        "after": {g: s["text"] for g, s in grades["after_moderation"].items()},
        "before": {g: s["text"] for g, s in grades["before_moderation"].items()},
        "open": tracker["open"], "overdue": tracker["overdue"]["text"],
        "concerns": found["actions"]["concerns"]["by_category"],
    }


EXPECTED = {
    "pool": 4, "allocated": 3, "completed": 2, "late": 1,
    "net": "2/3 (67%)", "overall": "2/4 (50%)",
    "after": {"outstanding": "0/2 (0%)", "good": "0/2 (0%)",
              "requires-improvement": "1/2 (50%)", "inadequate": "1/2 (50%)"},
    "before": {"outstanding": "0/2 (0%)", "good": "1/2 (50%)",
               "requires-improvement": "0/2 (0%)", "inadequate": "1/2 (50%)"},
    "open": 2, "overdue": "1/2 (50%)", "concerns": {"1": 1, "2": 0},
}


async def test_the_month_in_order_and_out_of_order_gives_the_hand_worked_figures(
        pool: asyncpg.Pool) -> None:
    in_order, scrambled = an_area(), an_area()
    await deliver_all(pool, march(in_order).values())
    # Each topic is consumed on its own: moderation's news and the actions may come first.
    await deliver_all(pool, reversed(march(scrambled).values()))

    assert headline(await report(pool, in_order)) == EXPECTED
    assert headline(await report(pool, scrambled)) == EXPECTED


async def test_redelivered_events_count_once(pool: asyncpg.Pool) -> None:
    area = an_area()
    envelopes = [fact.envelope() for fact in march(area).values()]
    for envelope in envelopes:
        assert await deliver(pool, envelope) is True
        assert await deliver(pool, envelope) is False

    assert headline(await report(pool, area)) == EXPECTED
    assert await pool.fetchval("SELECT count(*) FROM event_log WHERE service_area = $1",
                               area) == len(envelopes)


async def test_an_unknown_month_or_area_is_not_found(pool: asyncpg.Pool) -> None:
    area = an_area()
    await deliver_all(pool, march(area).values())
    with pytest.raises(NotFound):
        await report(pool, an_area())


async def test_as_at_before_moderation_shows_the_grades_as_they_then_stood(
        pool: asyncpg.Pool) -> None:
    area = an_area()
    await deliver_all(pool, march(area).values())

    then = headline(await report(pool, area, as_at=datetime(2025, 3, 15, tzinfo=UTC)))

    # On 15 March nothing was moderated: the auditors' grades stood, and the action due
    # on 25 March was not overdue yet.
    assert then["after"] == EXPECTED["before"]
    assert (then["open"], then["overdue"]) == (2, "0/2 (0%)")
    assert headline(await report(pool, area, as_at=datetime(2025, 3, 21, tzinfo=UTC)))[
        "after"] == EXPECTED["after"]


async def test_a_rebuild_gives_the_same_figures_and_reports_progress(
        pool: asyncpg.Pool) -> None:
    areas = [an_area() for _ in range(3)]
    for area in areas:
        await deliver_all(pool, march(area).values())
    before = {area: await report(pool, area) for area in areas}
    models = PostgresReadModels(pool)
    assert (await models.status()).live_version == 1
    seen: list[SlotStatus] = []

    done = await models.rebuild(seen.append)

    assert (done.slot, done.version, done.state) == ("b", 2, "live")
    assert seen
    assert seen[-1].events_done == seen[-1].events_total == 3 * len(march(areas[0]))
    assert {area: await report(pool, area) for area in areas} == before
    # And back again into slot a, with events arriving after the first rebuild.
    late = an_area()
    await deliver_all(pool, march(late).values())
    assert (await models.rebuild()).slot == "a"
    assert headline(await report(pool, late)) == EXPECTED
    assert {area: await report(pool, area) for area in areas} == before


async def test_an_evidence_pack_has_everything_about_the_child_in_order(
        pool: asyncpg.Pool) -> None:
    area = an_area()
    await deliver_all(pool, reversed(march(area).values()))  # arrival order is not the record
    log = PostgresEvidenceLog(pool)

    entries = await log.for_child([area], "child-001")

    # All but the cycle's two events name the child or are about a record that does:
    # 3 allocations, 2 submissions, the concern, 2 actions, and the moderation.
    assert len(entries) == len(march(area)) - 2
    assert [e.recorded_at.day for e in entries] == sorted(e.recorded_at.day for e in entries)
    assert entries[0].event_type == "CaseAllocated"
    last = entries[-1]
    assert (last.event_type, last.details["original_grade"], last.details["moderated_grade"],
            last.recorded_by) == ("AuditModerated", "good", "requires-improvement",
                                  "system:reporting-test")
    assert [e.event_id for e in await log.for_team(area, MONTH, "east")] == [
        e.event_id for e in entries]
    assert await log.for_child([area], "child-999") == []
    assert await log.for_child([an_area()], "child-001") == []

"""How long reporting takes to rebuild its read models from its event log.

    python -m bench.rebuild [--events 1000000] [--areas 5]

Synthetic months of five events per allocated case (CaseAllocated, AuditSubmitted,
AuditModerated, ActionRaised, ActionCompleted; one AuditCycleOpened per area and month)
are sealed and written straight into a fresh schema's `event_log` (the consumer path is
not what is measured). Then, in the same run, on the same PostgreSQL:

- baseline: read every logged envelope and decode it through the contract registry, the
  floor under any replay in Python;
- rebuild: `PostgresReadModels.rebuild` (fold every subject into the idle slot, swap);
- a second rebuild into the other slot, whose report must equal the first's.

On the embedded PostgreSQL unless DATABASE_URL names a server.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from services.reporting.adapters.event_log import fact_of
from services.reporting.adapters.rebuild import PostgresReadModels
from services.reporting.adapters.records import PostgresReportRecords
from services.reporting.application.monthly_report import ReportQuery, handle
from services.reporting.application.read_models import SlotStatus
from services.reporting.domain.facts import subject_of
from shared.events.allocation import AuditCycleOpened, CaseAllocated
from shared.events.audit import ActionRaised, AuditSubmitted
from shared.events.common import Grade, LegalStatus
from shared.events.moderation import AuditModerated
from shared.events.tracker import ActionCompleted
from shared.infra.servers import postgres_server
from shared.kernel.actor import SystemProcess
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import EventMetadata, seal
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.provisioning import drop_schema, provision

EVENTS_PER_CASE = 5
GRADES = [Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.OUTSTANDING, Grade.INADEQUATE]
BATCH = 5000
LOG_COLUMNS = ("event_id", "subject", "service_area", "event_type", "schema_version",
               "stream_id", "stream_version", "occurred_at", "envelope")


def month_of(index: int) -> str:
    return f"{2024 + index // 12}-{index % 12 + 1:02d}"


def case_events(area: str, month: str, cycle: uuid.UUID, n: int) -> list[EventContract]:
    allocation, audit, action = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    year, number = (int(p) for p in month.split("-"))
    due = date(year, number, 20)
    grade = GRADES[n % len(GRADES)]
    return [
        CaseAllocated(allocation_id=allocation, cycle_id=cycle, month=month,
                      return_deadline=due, case_id=uuid.uuid4(), child_ref="child-001",
                      legal_status=LegalStatus.CHILD_IN_NEED, case_team="east",
                      auditor_id="staff-0042", auditor_team="west"),
        AuditSubmitted(audit_id=audit, allocation_id=allocation, cycle_id=cycle, month=month,
                       case_id=uuid.uuid4(), child_ref="child-001",
                       legal_status=LegalStatus.CHILD_IN_NEED, case_team="east",
                       auditor_id="staff-0042", overall_grade=grade, late=n % 7 == 0),
        AuditModerated(audit_id=audit, month=month, moderator_id="staff-0099",
                       outcome="agreed", original_grade=grade, moderated_grade=grade),
        ActionRaised(action_id=action, audit_id=audit, month=month, child_ref="child-001",
                     case_team="east", description="Update the plan", owner_id="staff-0007",
                     due_date=due),
        ActionCompleted(action_id=action, completed_by="staff-0007", completed_on=due,
                        evidence="Plan updated"),
    ]


def rows(events: int, areas: list[str]) -> list[tuple[object, ...]]:
    cases = max(1, events // EVENTS_PER_CASE)
    per_month = max(1, cases // (len(areas) * 12))
    found: list[tuple[object, ...]] = []
    n = 0
    for month_index in range(12):
        month = month_of(month_index)
        for area in areas:
            cycle = uuid.uuid4()
            stream: list[EventContract] = [AuditCycleOpened(
                cycle_id=cycle, month=month, return_deadline=date(2024, 1, 28),
                auditors_in_pool=per_month + 5)]
            for _ in range(per_month):
                stream += case_events(area, month, cycle, n)
                n += 1
            at = datetime(2024 + month_index // 12, month_index % 12 + 1, 2, tzinfo=UTC)
            metadata = EventMetadata(tenant="bench", service_area=area,
                                     actor=SystemProcess(name="bench"), occurred_at=at,
                                     correlation_id=uuid.uuid4(), causation_id=uuid.uuid4())
            for i, (event, envelope) in enumerate(zip(
                    stream, seal(f"bench-{cycle}", 1, stream, metadata), strict=True)):
                stamped = envelope.model_copy(update={
                    "occurred_at": at + timedelta(seconds=i)})
                found.append((stamped.event_id, subject_of(event, area), area,
                              stamped.event_type, stamped.schema_version,
                              stamped.stream_id, stamped.stream_version,
                              stamped.occurred_at, stamped.canonical_json()))
    return found


async def measure(dsn: str, events: int, area_count: int) -> None:
    schema = f"bench_rebuild_{uuid.uuid4().hex[:8]}"
    migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE) + load_migrations(
        "services.reporting.adapters.migrations")
    database = await provision(dsn, schema, migrations)
    pool = await create_pool(database.app_dsn, database.schema)
    areas = [f"area-{n}" for n in range(area_count)]
    try:
        started = time.perf_counter()
        logged = rows(events, areas)
        async with pool.acquire() as conn:
            for start in range(0, len(logged), BATCH):
                await conn.copy_records_to_table("event_log", records=logged[
                    start:start + BATCH], columns=LOG_COLUMNS)
        print(f"logged {len(logged)} events in {time.perf_counter() - started:.1f} s "
              "(not measured)")

        started = time.perf_counter()
        async with pool.acquire() as conn, conn.transaction():
            cursor = conn.cursor(
                "SELECT subject, service_area, occurred_at, stream_id, stream_version, "
                "event_id, envelope FROM event_log ORDER BY subject, seq", prefetch=BATCH)
            decoded = len([fact_of(row) async for row in cursor])
        baseline = time.perf_counter() - started

        models = PostgresReadModels(pool)
        last = [0.0]

        def progress(status: SlotStatus) -> None:
            if time.perf_counter() - last[0] > 5:
                last[0] = time.perf_counter()
                print(f"  {status.events_done}/{status.events_total} events", flush=True)

        started = time.perf_counter()
        await models.rebuild(progress)
        rebuild = time.perf_counter() - started
        query = ReportQuery(service_area="partnership", month=month_of(11), served=areas,
                            today=date(2025, 6, 1))
        first = await handle(query, records=PostgresReportRecords(pool))
        await models.rebuild()
        second = await handle(query, records=PostgresReportRecords(pool))
        print(f"\n{decoded} events, {area_count} areas, 12 months")
        print(f"baseline (read and decode every event): {baseline:8.1f} s "
              f"({decoded / baseline:,.0f} events/s)")
        print(f"rebuild (fold every subject, swap):      {rebuild:8.1f} s "
              f"({decoded / rebuild:,.0f} events/s, {rebuild / baseline:.1f}x the baseline)")
        print(f"second rebuild gives the same report: {first == second}")
    finally:
        await pool.close()
        await drop_schema(dsn, schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--areas", type=int, default=5)
    args = parser.parse_args()
    with postgres_server() as dsn:
        asyncio.run(measure(dsn, args.events, args.areas))


if __name__ == "__main__":
    main()

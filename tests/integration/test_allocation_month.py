"""A month of allocation over a real PostgreSQL: the directory and register imported, the
cycle opened and drawn, exemptions, the automatic allocation, a reallocation, returns
heard from the audit service, a below-standard moderation, and the close; the figures
read back through the query adapters are Gloucestershire's January 2019, worked by hand.
Also: rebuilt read models equal those kept inline, and a refused import changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar, cast

import asyncpg
import pytest
from pydantic import BaseModel

from services.allocation.adapters.audit_outcomes import OUTCOMES
from services.allocation.adapters.queries import PostgresAllocationQueries, PostgresDirectory
from services.allocation.adapters.read_models import PROJECTION
from services.allocation.application import (
    close_cycle,
    directory_imports,
    exemptions,
    open_cycle,
    reallocate,
    run_allocation,
)
from services.allocation.application.record_return import when_audit_submitted
from services.allocation.application.results import (
    AllocationRun,
    Closed,
    ExemptionAnswer,
    Imported,
    OpenedCycle,
    Reallocated,
)
from services.allocation.domain.events import REGISTRY
from services.allocation.entrypoints.csv_imports import CaseRow, StaffRow, case_key, person_key
from services.allocation.entrypoints.csv_imports import read_rows as read_csv
from services.allocation.entrypoints.directory_http import case_of, staff_of
from shared.events.audit import AuditSubmitted
from shared.events.common import Grade
from shared.events.moderation import AuditModerated
from shared.events.vocabulary import ExemptionKind, SelectionRules
from shared.kernel.actor import Person, SystemProcess
from shared.kernel.clock import LONDON, ManualClock
from shared.kernel.envelope import EventMetadata, seal
from shared.kernel.errors import RuleBroken
from shared.kit.commands import CommandContext, CommandRunner
from shared.kit.unit_of_work import UnitOfWork
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.projections import rebuild
from shared.postgres.provisioning import drop_schema, provision
from shared.postgres.transactions import PostgresTransactions

AREA, MONTH = "childrens-social-care", "2026-01"
TEAMS = ["front-door", "assessment", "safeguarding", "children-in-care", "care-leavers",
         "disabilities"]
R = TypeVar("R", bound=BaseModel)


@dataclass
class Service:
    pool: asyncpg.Pool
    store: EventStore
    clock: ManualClock
    runner: CommandRunner
    transactions: PostgresTransactions
    directory: PostgresDirectory
    queries: PostgresAllocationQueries

    async def run(self, name: str, use_case: Callable[[UnitOfWork], Awaitable[R]],
                  result: type[R], actor: str = "qa-officer-1", role: str = "qa-officer") -> R:
        context = CommandContext(name, Person(person_id=actor, role=role), AREA)
        return await self.runner.run(context, use_case, result)

    async def react(self, event: AuditSubmitted) -> None:
        metadata = self.metadata(SystemProcess(name="allocation-returns"))
        async with self.transactions.begin() as transaction:
            await when_audit_submitted(event, UnitOfWork(transaction, REGISTRY, metadata))

    async def moderated(self, event: AuditModerated) -> None:
        envelope = seal(f"moderation-{event.audit_id}", 1, [event],
                        self.metadata(SystemProcess(name="moderation")))[0]
        async with self.pool.acquire() as proxy:
            await OUTCOMES.apply(cast(asyncpg.Connection, proxy), envelope, event)

    def metadata(self, actor: Person | SystemProcess) -> EventMetadata:
        correlation = uuid.uuid4()
        return EventMetadata(tenant="test-authority", service_area=AREA, actor=actor,
                             occurred_at=self.clock.now(), correlation_id=correlation,
                             causation_id=correlation)


@pytest.fixture
async def service(postgres_dsn: str) -> AsyncIterator[Service]:
    schema = f"alloc_{uuid.uuid4().hex[:10]}"
    migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE) + load_migrations(
        "services.allocation.adapters.migrations")
    database = await provision(postgres_dsn, schema, migrations)
    pool = await create_pool(database.app_dsn, schema)
    store = EventStore(pool)
    transactions = PostgresTransactions(store, [PROJECTION])
    clock = ManualClock(datetime(2026, 1, 5, 9, 0, tzinfo=LONDON))
    try:
        yield Service(pool, store, clock,
                      CommandRunner(transactions, REGISTRY, "test-authority", clock),
                      transactions, PostgresDirectory(pool), PostgresAllocationQueries(pool))
    finally:
        await pool.close()
        await drop_schema(postgres_dsn, schema)


def staff_csv(count: int) -> str:
    lines = ["person_id,role,team,working_pattern,auditor_since,effective_on"]
    lines += [f"tm-{i:02d},team-manager,{TEAMS[i % len(TEAMS)]},full-time,2025-06-01,"
              "2025-06-01" for i in range(count)]
    lines.append("dir-ops,director,directorate,full-time,,2025-06-01")  # not an auditor
    return "\n".join(lines) + "\n"


def cases_csv(count: int) -> str:
    lines = ["case_ref,child_ref,team,legal_status,opened_on,flags"]
    lines += [f"C{i:05d},CH-{i:04d},{TEAMS[i % len(TEAMS)]},{['cin', 'cp', 'cic'][i % 3]},"
              f"2025-0{1 + i % 9}-01,{'neglect' if i % 4 == 0 else ''}" for i in range(count)]
    return "\n".join(lines) + "\n"


async def import_both(service: Service, people: int, cases: int) -> None:
    staff_rows = read_csv(staff_csv(people), StaffRow, person_key)
    await service.run("ImportStaff", partial(directory_imports.record_staff, [
        staff_of(row, date(2026, 1, 5)) for row in staff_rows]),
        Imported)
    case_rows = read_csv(cases_csv(cases), CaseRow, case_key)
    await service.run("ImportCases", partial(directory_imports.import_cases, [
        case_of(row) for row in case_rows]), Imported)


def submitted(row: dict[str, Any], cycle: str, *, late: bool) -> AuditSubmitted:
    return AuditSubmitted(
        audit_id=uuid.uuid5(uuid.UUID(row["allocation_id"]), "audit"),
        allocation_id=row["allocation_id"], cycle_id=cycle, month=MONTH,
        case_id=row["case_id"], child_ref=row["child_ref"], legal_status=row["legal_status"],
        case_team=row["case_team"], auditor_id=row["auditor_id"], overall_grade=Grade.GOOD,
        late=late)


async def test_gloucestershires_january_from_events(service: Service) -> None:
    await import_both(service, people=82, cases=90)
    pool = await service.queries.pool(AREA, MONTH)
    assert len(pool) == 82  # the director is in the directory, not the pool

    rules = SelectionRules(core_audits=65)
    opened = await service.run("OpenCycle", partial(open_cycle.handle, open_cycle.Opening(
        MONTH, date(2026, 1, 30), rules, seed=2019), service.directory), OpenedCycle)
    assert (opened.auditors_in_pool, len(opened.drawn), opened.shortfalls) == (82, 65, [])

    non_operational = [ExemptionKind.MATERNITY] * 3 + [ExemptionKind.SICKNESS] * 4 + [
        ExemptionKind.EXTENDED_LEAVE] * 2 + [ExemptionKind.LEAVING] * 2 + [
        ExemptionKind.PART_TIME_MONTH]
    for i, kind in enumerate(non_operational):  # tm-00 .. tm-11
        await service.run("RequestExemption", partial(
            exemptions.request, f"tm-{i:02d}", MONTH, kind, None, service.directory),
            ExemptionAnswer)
    for i in range(12, 18):  # six operational: five authorised, one refused
        asked = await service.run("RequestExemption", partial(
            exemptions.request, f"tm-{i:02d}", MONTH, ExemptionKind.WORKLOAD, None,
            service.directory), ExemptionAnswer)
        decided = await service.run("Decide", partial(
            exemptions.decide, asked.exemption_id, i != 17), ExemptionAnswer,
            actor="dir-ops", role="director")
        assert decided.status == ("refused" if i == 17 else "counted")

    run = await service.run("RunAllocation", partial(
        run_allocation.handle, MONTH, service.directory), AllocationRun)
    assert (len(run.allocated), run.unplaced) == (65, [])
    exempt = {f"tm-{i:02d}" for i in range(17)}
    assert not exempt & {a.auditor_id for a in run.allocated}
    assert all(a.auditor_team != a.case_team for a in run.allocated)

    # tm-17's exemption was refused, and they fall sick: their audit moves on.
    view = await service.queries.cycle(AREA, MONTH)
    assert view is not None
    theirs = next(a for a in view["allocations"] if a["auditor_id"] == "tm-17")
    target = next(f"tm-{i:02d}" for i in range(18, 82) if TEAMS[i % 6] != theirs["case_team"])
    moved = await service.run("Reallocate", partial(
        reallocate.handle, uuid.UUID(theirs["allocation_id"]), target, "sickness",
        service.directory), Reallocated)
    assert moved.from_auditor_id == "tm-17"

    view = await service.queries.cycle(AREA, MONTH)
    assert view is not None
    allocations = sorted(view["allocations"], key=lambda a: a["child_ref"])
    for index, row in enumerate(allocations[:58]):  # 58 returned, the last 3 late
        await service.react(submitted(row, view["cycle_id"], late=index >= 55))
    # Redelivered: recorded once.
    await service.react(submitted(allocations[0], view["cycle_id"], late=False))
    returned_below = submitted(allocations[1], view["cycle_id"], late=False)
    await service.moderated(AuditModerated(
        audit_id=returned_below.audit_id, month=MONTH, moderator_id="mod-1",
        outcome="below-standard", original_grade=Grade.GOOD, moderated_grade=Grade.GOOD))

    service.clock.set(datetime(2026, 2, 2, 9, 0, tzinfo=LONDON))
    closed = await service.run("CloseCycle", partial(close_cycle.handle, MONTH,
                                                     service.directory), Closed)
    again = await service.run("CloseCycle", partial(close_cycle.handle, MONTH,
                                                    service.directory), Closed)
    assert (closed.nil_returns_recorded, again.closed_now) == (7, False)

    figures = await service.queries.figures(AREA, MONTH)
    assert figures == {
        "service_area": AREA, "month": MONTH, "closed": True, "auditors_in_pool": 82,
        "non_operational_exemptions": 12, "operational_exemptions": 5, "allocated": 65,
        "completed": 58, "late_returns": 3, "nil_returns": 7, "completed_to_standard": 57,
        "completion_rate_net_of_non_operational": "58/70 (83%)",
        "overall_completion_rate": "58/82 (71%)"}
    assert await service.directory.due_for_closing(date(2026, 2, 2)) == []

    # The read models rebuilt from the store equal those kept inline.
    inline = await tables(service.pool)
    assert await rebuild(PROJECTION, service.store, REGISTRY) > 0
    assert await tables(service.pool) == inline


async def tables(pool: asyncpg.Pool) -> dict[str, list[tuple[object, ...]]]:
    def sortable(row: asyncpg.Record) -> tuple[object, ...]:
        return tuple(value for key, value in row.items() if key != "seq")
    return {table: sorted((sortable(row) for row in await pool.fetch(f"SELECT * FROM {table}")),
                          key=repr) for table in PROJECTION.tables}


async def test_an_import_refused_by_a_rule_changes_nothing(service: Service) -> None:
    await import_both(service, people=3, cases=3)
    before = await service.pool.fetchval("SELECT count(*) FROM events")
    rows = [case_of(row) for row in read_csv(
        "case_ref,child_ref,team,legal_status\n"
        "C90001,CH-9001,assessment,cin\n"        # new: would be recorded...
        "C00001,CH-7777,assessment,cin\n",       # ...but this names another child
        CaseRow, case_key)]
    with pytest.raises(RuleBroken, match="keeps its child reference"):
        await service.run("ImportCases", partial(directory_imports.import_cases, rows),
                          Imported)
    assert await service.pool.fetchval("SELECT count(*) FROM events") == before
    assert len(await service.queries.cases(AREA)) == 3

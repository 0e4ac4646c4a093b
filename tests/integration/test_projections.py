"""A service's read models rebuilt from its event store equal the ones kept inline."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from functools import partial

import asyncpg
import pytest

from services.tracker.adapters.calendar import UkBankHolidays
from services.tracker.adapters.read_models import PROJECTION
from services.tracker.adapters.timeline import TIMELINE
from services.tracker.application.start_tracking import (
    when_action_raised,
    when_child_of_concern_raised,
)
from services.tracker.domain.actions import ACTION
from services.tracker.domain.commands import CheckAction
from services.tracker.domain.events import REGISTRY
from services.tracker.domain.streams import action_stream
from services.tracker.domain.timescales import Escalation
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.kernel.actor import SystemProcess
from shared.kernel.envelope import EventMetadata
from shared.kit.unit_of_work import UnitOfWork
from shared.postgres.event_store import EventStore
from shared.postgres.migrator import SHARED_MIGRATIONS_PACKAGE, load_migrations
from shared.postgres.pool import create_pool
from shared.postgres.projections import rebuild
from shared.postgres.provisioning import ServiceDatabase, drop_schema, provision
from shared.postgres.transactions import PostgresTransactions

ENGLAND = UkBankHolidays("england-and-wales")


@pytest.fixture
async def tracker_db(postgres_dsn: str) -> AsyncIterator[tuple[ServiceDatabase, asyncpg.Pool]]:
    schema = f"trk_{uuid.uuid4().hex[:10]}"
    migrations = load_migrations(SHARED_MIGRATIONS_PACKAGE) + load_migrations(
        "services.tracker.adapters.migrations")
    database = await provision(postgres_dsn, schema, migrations)
    pool = await create_pool(database.app_dsn, schema)
    try:
        yield database, pool
    finally:
        await pool.close()
        await drop_schema(postgres_dsn, schema)


async def tables(pool: asyncpg.Pool) -> dict[str, list[tuple[object, ...]]]:
    # The timeline's position is a sequence: a rebuild numbers its rows afresh, in order.
    return {
        table: [tuple(value for key, value in row.items() if key != "position")
                for row in await pool.fetch(f"SELECT * FROM {table} ORDER BY 1")]
        for table in (*PROJECTION.tables, *TIMELINE.tables)
    }


async def test_rebuilt_read_models_equal_those_kept_inline(
    tracker_db: tuple[ServiceDatabase, asyncpg.Pool], postgres_dsn: str,
) -> None:
    database, pool = tracker_db
    store = EventStore(pool)
    transactions = PostgresTransactions(store, [PROJECTION, TIMELINE])

    async def run(step: Callable[[UnitOfWork], Awaitable[object]]) -> None:
        correlation = uuid.uuid4()
        metadata = EventMetadata(tenant="test-authority", service_area="early-help",
                                 actor=SystemProcess(name="tracker"),
                                 occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
                                 correlation_id=correlation, causation_id=correlation)
        async with transactions.begin() as transaction:
            await step(UnitOfWork(transaction, REGISTRY, metadata))

    audit = uuid.uuid4()
    actions = [uuid.uuid4() for _ in range(3)]
    for number, action in enumerate(actions):
        raised = ActionRaised(action_id=action, audit_id=audit, month="2026-03",
                              child_ref="CH-0001", case_team="east", description="Review",
                              owner_id=f"hos-{number}", due_date=date(2026, 3, 10 + number))
        await run(partial(when_action_raised, raised))
    concern = ChildOfConcernRaised(concern_id=uuid.uuid4(), audit_id=audit, month="2026-03",
                                   child_ref="CH-0001", case_team="east", category=1,
                                   reason="Risk")
    await run(partial(when_child_of_concern_raised, concern, calendar=ENGLAND))
    await run(lambda unit: unit.execute(ACTION, action_stream(actions[0]), CheckAction(
        actions[0], date(2026, 3, 11), Escalation((14, 28), ENGLAND))))
    inline = await tables(pool)
    # Three actions, one concern; on the timeline each action tracked and described, one
    # overdue, the concern tracked with its same-day response due.
    assert [len(rows) for rows in inline.values()] == [3, 1, 9]

    # Lose a row behind the projection's back, as a faulty deployment might.
    admin = await asyncpg.connect(postgres_dsn)
    try:
        await admin.execute(f"DELETE FROM {database.schema}.actions WHERE action_id = $1",
                            actions[1])
    finally:
        await admin.close()
    assert await tables(pool) != inline

    handled = await rebuild(PROJECTION, store, REGISTRY)
    # Tracked, described (three each), one overdue; the concern tracked, its response due.
    assert handled == 9
    assert await rebuild(TIMELINE, store, REGISTRY) == 9
    assert await tables(pool) == inline

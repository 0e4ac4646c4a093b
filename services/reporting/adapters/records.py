"""The ReportRecords port over PostgreSQL: the live slot's records, or records folded from
the event log as it stood at an instant."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

import asyncpg

from services.reporting.adapters.event_log import folded, live_table, logged_facts, parse_record
from services.reporting.domain.months import window
from services.reporting.domain.records import (
    ActionRecord,
    AllocationRecord,
    AnyRecord,
    AuditRecord,
    ConcernRecord,
    CycleRecord,
    StaffRecord,
)
from services.reporting.domain.report import Records


def bundle(records: Iterable[AnyRecord]) -> Records:
    found: dict[type, list[AnyRecord]] = {}
    for record in records:
        found.setdefault(type(record), []).append(record)

    def of(kind: type) -> list[AnyRecord]:
        return found.get(kind, [])

    return Records(
        cycles=cast(list[CycleRecord], of(CycleRecord)),
        allocations=cast(list[AllocationRecord], of(AllocationRecord)),
        audits=cast(list[AuditRecord], of(AuditRecord)),
        actions=cast(list[ActionRecord], of(ActionRecord)),
        concerns=cast(list[ConcernRecord], of(ConcernRecord)),
        staff=cast(list[StaffRecord], of(StaffRecord)))


class PostgresReportRecords:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def live(self, areas: Sequence[str], month: str) -> Records:
        months = window(month)
        # One read-only snapshot, so the figures agree with one another while events
        # keep arriving (and a swap of slots cannot land between two reads).
        async with self._pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            table, _ = await live_table(cast(asyncpg.Connection, conn))
            rows = await conn.fetch(
                f"""SELECT record::text AS record FROM {table}
                     WHERE service_area = ANY($1::text[])
                       AND (kind IN ('action', 'concern', 'person')
                            OR (kind IN ('cycle', 'allocation') AND month = ANY($2::text[]))
                            OR (kind = 'audit' AND month <= $3))""",
                list(areas), months, month)
        return bundle(parse_record(row["record"]) for row in rows)

    async def as_at(self, areas: Sequence[str], recorded_by: datetime) -> Records:
        async with self._pool.acquire() as conn:
            facts = await logged_facts(cast(asyncpg.Connection, conn), areas, recorded_by)
        subjects = sorted({fact.subject for fact in facts})
        return bundle(record for record, _ in folded(subjects, facts))

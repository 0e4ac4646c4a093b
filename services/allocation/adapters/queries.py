"""The allocation service's query ports over its read-model tables."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import asyncpg

from services.allocation.application.queries import ExemptionCounts, Placed
from services.allocation.domain.events import CaseRecorded
from services.allocation.domain.figures import Counts, net_rate, overall_rate
from shared.events.allocation import StaffMemberRecorded
from shared.kernel.clock import first_day_of, last_day_of
from shared.postgres.rows import plain

# The record of each person in force at a month's end, less those who left before it began.
POOL = """
SELECT * FROM (
    SELECT DISTINCT ON (person_id) * FROM staff_records
     WHERE effective_on <= $2 ORDER BY person_id, effective_on DESC, seq DESC
) latest
 WHERE service_area = $1 AND auditor_since IS NOT NULL AND auditor_since <= $2
   AND NOT (change = 'left' AND effective_on < $3)
 ORDER BY person_id"""
STAFF_FIELDS = ("person_id", "change", "effective_on", "role", "team", "working_pattern",
                "auditor_since", "moderator_since", "manager_id", "external", "leaving_on")
CASE_FIELDS = ("case_id", "case_ref", "child_ref", "team", "legal_status", "social_worker_id",
               "manager_id", "opened_on", "closed_on", "flags")
PLACED = """SELECT a.allocation_id, c.service_area, c.month, a.cycle_id, a.case_id,
                   a.auditor_id, a.selection
              FROM allocations a JOIN cycles c USING (cycle_id)"""


def _staff(row: asyncpg.Record) -> StaffMemberRecorded:
    return StaffMemberRecorded(**{name: row[name] for name in STAFF_FIELDS})


class PostgresDirectory:
    """The Directory port: what the use cases decide with."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def register(self, service_area: str) -> list[CaseRecorded]:
        rows = await self._pool.fetch("SELECT * FROM cases WHERE service_area = $1",
                                      service_area)
        return [CaseRecorded(changes=[], **{name: row[name] for name in CASE_FIELDS})
                for row in rows]

    async def pool(self, service_area: str, month: str) -> list[StaffMemberRecorded]:
        rows = await self._pool.fetch(POOL, service_area, last_day_of(month),
                                      first_day_of(month))
        return [_staff(row) for row in rows]

    async def allocations(self, cycle_id: uuid.UUID) -> list[Placed]:
        rows = await self._pool.fetch(f"{PLACED} WHERE a.cycle_id = $1", cycle_id)
        return [Placed(**dict(row.items())) for row in rows]

    async def allocation(self, allocation_id: uuid.UUID) -> Placed | None:
        row = await self._pool.fetchrow(f"{PLACED} WHERE a.allocation_id = $1", allocation_id)
        return Placed(**dict(row.items())) if row is not None else None

    async def exemption_counts(self, cycle_id: uuid.UUID) -> ExemptionCounts:
        row = await self._pool.fetchrow(
            """SELECT count(*) FILTER (WHERE non_operational) AS non_operational,
                      count(*) FILTER (WHERE NOT non_operational) AS operational
                 FROM exemptions WHERE cycle_id = $1 AND status = 'counted'""", cycle_id)
        assert row is not None  # an aggregate always answers one row
        return ExemptionCounts(row["non_operational"], row["operational"])

    async def due_for_closing(self, today: date) -> list[tuple[str, str]]:
        rows = await self._pool.fetch(
            "SELECT service_area, month FROM cycles WHERE closed_at IS NULL"
            " AND return_deadline < $1 ORDER BY month, service_area", today)
        return [(row["service_area"], row["month"]) for row in rows]


class PostgresAllocationQueries:
    """The AllocationQueries port: what people are answered."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._directory = PostgresDirectory(pool)

    async def _cycle_row(self, service_area: str, month: str) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            "SELECT * FROM cycles WHERE service_area = $1 AND month = $2", service_area, month)

    async def cycle(self, service_area: str, month: str) -> dict[str, Any] | None:
        cycle = await self._cycle_row(service_area, month)
        if cycle is None:
            return None
        allocations = await self._pool.fetch(
            """SELECT a.allocation_id, a.case_id, c.child_ref, a.legal_status,
                      c.team AS case_team, a.auditor_id, a.auditor_team, a.selection, a.theme,
                      a.audit_tool, a.allocated_at, a.reallocated_from,
                      a.reallocation_reason, a.submission, a.late, a.nil_return
                 FROM allocations a JOIN cases c USING (case_id)
                WHERE a.cycle_id = $1 ORDER BY a.allocated_at, c.child_ref""",
            cycle["cycle_id"])
        drawn = await self._pool.fetch(
            """SELECT d.case_id, c.child_ref, c.legal_status, c.team, d.selection, d.theme,
                      d.audit_tool, d.why
                 FROM drawn_cases d JOIN cases c USING (case_id)
                WHERE d.cycle_id = $1 ORDER BY d.selection, c.child_ref""", cycle["cycle_id"])
        last_run = json.loads(cycle["last_run"]) if cycle["last_run"] else None
        return plain({
            "cycle_id": cycle["cycle_id"], "service_area": service_area, "month": month,
            "return_deadline": cycle["return_deadline"], "seed": cycle["seed"],
            "rules": json.loads(cycle["rules"]) if cycle["rules"] else None,
            "auditors_in_pool": cycle["auditors_in_pool"],
            "own_team_audits": cycle["own_team_audits"],
            "moderating": list(cycle["moderating"]), "register_size": cycle["register_size"],
            "closed": cycle["closed_at"] is not None,
        }, drawn=[plain(row) for row in drawn], shortfalls=json.loads(cycle["shortfalls"]),
            allocations=[plain(row) for row in allocations],
            unplaced=last_run["unplaced"] if last_run else [],
            resting=last_run["resting"] if last_run else [])

    async def figures(self, service_area: str, month: str) -> dict[str, Any] | None:
        cycle = await self._cycle_row(service_area, month)
        if cycle is None:
            return None
        live = await self._pool.fetchrow(
            """SELECT count(*) AS allocated,
                      count(*) FILTER (WHERE a.submission IS NOT NULL) AS completed,
                      count(*) FILTER (WHERE a.late) AS late_returns,
                      count(*) FILTER (WHERE a.nil_return) AS nil_returns,
                      count(*) FILTER (WHERE a.submission IS NOT NULL AND NOT a.nil_return
                                         AND NOT EXISTS (
                          SELECT 1 FROM audit_outcomes o WHERE o.audit_id = a.audit_id
                             AND o.below_standard_submission >= a.submission))
                          AS completed_to_standard
                 FROM allocations a WHERE a.cycle_id = $1""", cycle["cycle_id"])
        assert live is not None  # an aggregate always answers one row
        # An audit returned after its nil return was recorded is not completed: the close
        # counted it as a nil return, and the month's figures stand as closed.
        if cycle["closed_figures"]:  # as counted at the close: the month's record
            closed = json.loads(cycle["closed_figures"])
            counts = Counts(**{k: closed[k] for k in Counts.__dataclass_fields__})
        else:
            exemptions = await self._directory.exemption_counts(cycle["cycle_id"])
            counts = Counts(
                auditors_in_pool=cycle["auditors_in_pool"] or 0,
                non_operational_exemptions=exemptions.non_operational,
                operational_exemptions=exemptions.operational, allocated=live["allocated"],
                completed=live["completed"], late_returns=live["late_returns"],
                nil_returns=live["nil_returns"])
        return {"service_area": service_area, "month": month,
                "closed": cycle["closed_at"] is not None, **counts.__dict__,
                "completed_to_standard": live["completed_to_standard"],
                "completion_rate_net_of_non_operational": net_rate(counts),
                "overall_completion_rate": overall_rate(counts)}

    async def cases(self, service_area: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            "SELECT * FROM cases WHERE service_area = $1 ORDER BY team, child_ref", service_area)
        return [plain(row, flags=list(row["flags"])) for row in rows]

    async def auditors(self, service_area: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT * FROM (SELECT DISTINCT ON (person_id) * FROM staff_records
                               ORDER BY person_id, effective_on DESC, seq DESC) latest
                WHERE service_area = $1 ORDER BY person_id""", service_area)
        return [plain(row, auditor_id=row["person_id"]) for row in rows]

    async def pool(self, service_area: str, month: str) -> list[dict[str, Any]]:
        people = await self._directory.pool(service_area, month)
        return [person.model_dump(mode="json") for person in people]

    async def exemptions(self, service_area: str, month: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            """SELECT exemption_id, person_id, kind, non_operational, status, decided_by,
                      requested_at FROM exemptions
                WHERE service_area = $1 AND month = $2 ORDER BY person_id""",
            service_area, month)
        return [plain(row) for row in rows]

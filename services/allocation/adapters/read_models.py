"""The allocation service's own read models, kept in step inside each command's
transaction (and rebuilt from the store by the same handlers)."""

from __future__ import annotations

import json

import asyncpg

from services.allocation.domain.directory import LEGACY_SINCE
from services.allocation.domain.events import (
    AllocatedByHand,
    AllocationRunRecorded,
    AuditorRegistered,
    AuditReturnRecorded,
    CaseRecorded,
    CaseRegistered,
    CasesDrawn,
    CycleTermsRecorded,
    ExemptionRefused,
    ExemptionRequested,
)
from shared.events.allocation import (
    AuditCycleClosed,
    AuditCycleOpened,
    AuditorExempted,
    CaseAllocated,
    CaseReallocated,
    NilReturnRecorded,
    StaffMemberRecorded,
)
from shared.kernel.actor import describe
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection
from shared.postgres.rows import insert

PROJECTION: Projection[asyncpg.Connection] = Projection(
    "allocation-read-models", tables=("allocations", "drawn_cases", "cycles", "cases",
                                      "staff_records", "exemptions"))


@PROJECTION.on(AuditCycleOpened)
async def cycle_opened(conn: asyncpg.Connection, event: AuditCycleOpened,
                       envelope: Envelope) -> None:
    await insert(conn, "cycles", cycle_id=event.cycle_id, service_area=envelope.service_area,
                 month=event.month, return_deadline=event.return_deadline,
                 opened_at=envelope.occurred_at, seed=event.seed,
                 rules=event.rules.model_dump_json() if event.rules else None,
                 auditors_in_pool=event.auditors_in_pool)


@PROJECTION.on(CycleTermsRecorded)
async def cycle_terms(conn: asyncpg.Connection, event: CycleTermsRecorded, _: Envelope) -> None:
    await conn.execute(
        "UPDATE cycles SET own_team_audits = $2, audits_per_auditor = $3, moderating = $4"
        " WHERE cycle_id = $1", event.cycle_id, event.own_team_audits,
        event.audits_per_auditor, event.moderating)


@PROJECTION.on(CasesDrawn)
async def cases_drawn(conn: asyncpg.Connection, event: CasesDrawn, _: Envelope) -> None:
    await conn.execute("UPDATE cycles SET register_size = $2, shortfalls = $3 WHERE cycle_id = $1",
                       event.cycle_id, event.register_size,
                       json.dumps([s.model_dump() for s in event.shortfalls]))
    for case in event.selected:
        await insert(conn, "drawn_cases", cycle_id=event.cycle_id, case_id=case.case_id,
                     selection=case.selection.value, theme=case.theme,
                     audit_tool=case.audit_tool, why=case.why)


@PROJECTION.on(AllocationRunRecorded)
async def run_recorded(conn: asyncpg.Connection, event: AllocationRunRecorded,
                       envelope: Envelope) -> None:
    run = {"at": envelope.occurred_at.isoformat(), "allocated": event.allocated,
           "unplaced": [u.model_dump(mode="json") for u in event.unplaced],
           "resting": event.resting}
    await conn.execute("UPDATE cycles SET last_run = $2 WHERE cycle_id = $1", event.cycle_id,
                       json.dumps(run))


@PROJECTION.on(AuditCycleClosed)
async def cycle_closed(conn: asyncpg.Connection, event: AuditCycleClosed,
                       envelope: Envelope) -> None:
    await conn.execute("UPDATE cycles SET closed_at = $2, closed_figures = $3 WHERE cycle_id = $1",
                       event.cycle_id, envelope.occurred_at, event.model_dump_json())


async def _case_row(conn: asyncpg.Connection, event: CaseRecorded, envelope: Envelope) -> None:
    await conn.execute("DELETE FROM cases WHERE case_id = $1", event.case_id)
    await insert(conn, "cases", case_id=event.case_id, service_area=envelope.service_area,
                 child_ref=event.child_ref, legal_status=event.legal_status.value,
                 team=event.team, case_ref=event.case_ref,
                 social_worker_id=event.social_worker_id, manager_id=event.manager_id,
                 opened_on=event.opened_on, closed_on=event.closed_on, flags=event.flags)


@PROJECTION.on(CaseRecorded)
async def case_recorded(conn: asyncpg.Connection, event: CaseRecorded,
                        envelope: Envelope) -> None:
    await _case_row(conn, event, envelope)


@PROJECTION.on(CaseRegistered)
async def case_registered(conn: asyncpg.Connection, event: CaseRegistered,
                          envelope: Envelope) -> None:
    await _case_row(conn, CaseRecorded(case_id=event.case_id, changes=["registered"],
                                       child_ref=event.child_ref, team=event.team,
                                       legal_status=event.legal_status), envelope)


async def _staff_row(conn: asyncpg.Connection, event: StaffMemberRecorded, area: str) -> None:
    await insert(conn, "staff_records", person_id=event.person_id, service_area=area,
                 change=event.change, effective_on=event.effective_on, role=event.role.value,
                 team=event.team, working_pattern=event.working_pattern.value,
                 auditor_since=event.auditor_since, moderator_since=event.moderator_since,
                 manager_id=event.manager_id, external=event.external,
                 leaving_on=event.leaving_on)


@PROJECTION.on(StaffMemberRecorded)
async def staff_recorded(conn: asyncpg.Connection, event: StaffMemberRecorded,
                         envelope: Envelope) -> None:
    await _staff_row(conn, event, envelope.service_area)


@PROJECTION.on(AuditorRegistered)
async def auditor_registered(conn: asyncpg.Connection, event: AuditorRegistered,
                             envelope: Envelope) -> None:
    await _staff_row(conn, StaffMemberRecorded(
        person_id=event.auditor_id, change="joined", effective_on=LEGACY_SINCE,
        role="team-manager", team=event.team, working_pattern="full-time",
        auditor_since=LEGACY_SINCE), envelope.service_area)


@PROJECTION.on(CaseAllocated)
async def case_allocated(conn: asyncpg.Connection, event: CaseAllocated,
                         envelope: Envelope) -> None:
    await insert(conn, "allocations", allocation_id=event.allocation_id,
                 cycle_id=event.cycle_id, case_id=event.case_id, auditor_id=event.auditor_id,
                 allocated_at=envelope.occurred_at, allocated_by=describe(envelope.actor),
                 legal_status=event.legal_status.value, auditor_team=event.auditor_team,
                 selection=event.selection.value, theme=event.theme,
                 audit_tool=event.audit_tool)


async def _update(conn: asyncpg.Connection, allocation_id: object, sets: str,
                  *values: object) -> None:
    await conn.execute(f"UPDATE allocations SET {sets} WHERE allocation_id = $1",
                       allocation_id, *values)


@PROJECTION.on(AllocatedByHand)
async def by_hand(conn: asyncpg.Connection, event: AllocatedByHand, _: Envelope) -> None:
    await _update(conn, event.allocation_id, "by_hand_reason = $2", event.reason)


@PROJECTION.on(CaseReallocated)
async def reallocated(conn: asyncpg.Connection, event: CaseReallocated, _: Envelope) -> None:
    await _update(conn, event.allocation_id, "auditor_id = $2, auditor_team = $3, "
                  "reallocated_from = $4, reallocation_reason = $5", event.auditor_id,
                  event.auditor_team, event.from_auditor_id, event.reason)


@PROJECTION.on(AuditReturnRecorded)
async def returned(conn: asyncpg.Connection, event: AuditReturnRecorded,
                   envelope: Envelope) -> None:
    await _update(conn, event.allocation_id, "audit_id = $2, submission = $3, late = $4, "
                  "returned_at = $5", event.audit_id, event.submission, event.late,
                  envelope.occurred_at)


@PROJECTION.on(NilReturnRecorded)
async def nil_return(conn: asyncpg.Connection, event: NilReturnRecorded, _: Envelope) -> None:
    await _update(conn, event.allocation_id, "nil_return = true")


@PROJECTION.on(ExemptionRequested)
async def exemption_requested(conn: asyncpg.Connection, event: ExemptionRequested,
                              envelope: Envelope) -> None:
    await conn.execute("DELETE FROM exemptions WHERE exemption_id = $1", event.exemption_id)
    await insert(conn, "exemptions", exemption_id=event.exemption_id, cycle_id=event.cycle_id,
                 service_area=envelope.service_area, month=event.month,
                 person_id=event.person_id, kind=event.kind.value,
                 non_operational=event.non_operational, status="awaiting-director",
                 requested_at=envelope.occurred_at)


@PROJECTION.on(AuditorExempted)
async def exempted(conn: asyncpg.Connection, event: AuditorExempted, _: Envelope) -> None:
    await conn.execute("UPDATE exemptions SET status = 'counted', decided_by = $3"
                       " WHERE person_id = $1 AND cycle_id = $2", event.person_id,
                       event.cycle_id, event.authorised_by)


@PROJECTION.on(ExemptionRefused)
async def refused(conn: asyncpg.Connection, event: ExemptionRefused, _: Envelope) -> None:
    await conn.execute("UPDATE exemptions SET status = 'refused', decided_by = $2"
                       " WHERE exemption_id = $1", event.exemption_id, event.refused_by)


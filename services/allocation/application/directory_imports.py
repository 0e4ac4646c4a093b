"""Recording the staff directory and the case register, one row or a whole import: all
in one command, so an import changes everything it lists or nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from services.allocation.application.results import (
    Imported,
    RegisteredAuditor,
    RegisteredCase,
)
from services.allocation.domain.commands import RecordCase, RecordStaff
from services.allocation.domain.directory import PERSON
from services.allocation.domain.register import CASE
from services.allocation.domain.streams import case_id_of, case_stream, person_stream
from shared.kit.unit_of_work import UnitOfWork


async def record_staff(rows: Sequence[RecordStaff], unit: UnitOfWork) -> Imported:
    streams = [person_stream(unit.metadata.tenant, row.person_id) for row in rows]
    await unit.prefetch(*streams)
    recorded = [len(await unit.execute(PERSON, stream, row))
                for stream, row in zip(streams, rows, strict=True)]
    return Imported(rows=len(rows), recorded=sum(recorded), unchanged=recorded.count(0))


async def record_cases(rows: Sequence[RecordCase], unit: UnitOfWork) -> Imported:
    streams = [case_stream(row.case_id) for row in rows]
    await unit.prefetch(*streams)
    recorded = [len(await unit.execute(CASE, stream, row))
                for stream, row in zip(streams, rows, strict=True)]
    return Imported(rows=len(rows), recorded=sum(recorded), unchanged=recorded.count(0))


async def register_case(row: RecordCase, unit: UnitOfWork) -> RegisteredCase:
    """One case, once (POST /cases): a second registration of its id is refused."""
    await record_cases([row], unit)
    return RegisteredCase(case_id=row.case_id, child_ref=row.child_ref,
                          legal_status=row.legal_status, team=row.team)


async def register_auditor(row: RecordStaff, unit: UnitOfWork) -> RegisteredAuditor:
    """One trained auditor, once (POST /auditors, the pool's first form)."""
    await record_staff([row], unit)
    return RegisteredAuditor(auditor_id=row.person_id, team=row.team)


# A RecordCase from an import carries this id until its case reference names its own.
BY_REFERENCE = uuid.UUID(int=0)


async def import_cases(rows: Sequence[RecordCase], unit: UnitOfWork) -> Imported:
    tenant = unit.metadata.tenant
    return await record_cases([replace(row, case_id=case_id_of(tenant, row.case_ref or ""))
                               if row.case_id == BY_REFERENCE else row for row in rows], unit)

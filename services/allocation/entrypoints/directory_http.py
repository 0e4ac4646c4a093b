"""HTTP routes of the staff directory and the case register: one record at a time, or a
whole CSV extract of the case-management system at once (all rows or none)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Request as HttpRequest
from fastapi.exceptions import RequestValidationError
from pydantic import Field

from services.allocation.application import directory_imports
from services.allocation.application.results import Imported, RegisteredAuditor, RegisteredCase
from services.allocation.domain.commands import RecordCase, RecordStaff
from services.allocation.domain.events import CaseRef
from services.allocation.entrypoints.csv_imports import (
    CaseRow,
    StaffRow,
    case_key,
    person_key,
    read_rows,
)
from services.allocation.entrypoints.dependencies import QueriesDep, Request
from shared.events.common import ChildRef, LegalStatus, PersonId, Team
from shared.events.vocabulary import CaseFlag, StaffRole, WorkingPattern
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaQuery, ClockDep, CommandsDep
from shared.http.fields import MONTH_PATTERN
from shared.http.problems import problems
from shared.kernel.clock import london_date
from shared.kernel.identifiers import Slug

router = APIRouter()
MAX_BYTES = 10 * 2**20
STAFF_COLUMNS = ", ".join(StaffRow.model_fields)
CASE_COLUMNS = ", ".join(CaseRow.model_fields)


class RegisterCaseRequest(Request):
    service_area: Slug
    child_ref: ChildRef = Field(description="Pseudonymous child reference, never a name")
    legal_status: LegalStatus
    team: Team
    case_id: uuid.UUID | None = None
    case_ref: CaseRef | None = None
    social_worker_id: PersonId | None = None
    manager_id: PersonId | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    flags: Annotated[list[CaseFlag], Field(max_length=30)] = []


class RegisterAuditorRequest(Request):
    service_area: Slug
    auditor_id: PersonId
    team: Team
    role: StaffRole = StaffRole.TEAM_MANAGER
    working_pattern: WorkingPattern = WorkingPattern.FULL_TIME


class ImportRequest(Request):
    """What an import's idempotency key covers: the area and the file's digest."""

    service_area: Slug
    kind: str
    sha256: str


@router.post("/cases", status_code=201, tags=["case register"], responses=problems(409))
async def register_a_case(body: RegisterCaseRequest, commands: CommandsDep,
                          asked: AskingDep) -> RegisteredCase:
    """Adds a case to the register (once per case id)."""
    command = RecordCase(
        body.case_id or uuid.uuid4(), body.child_ref, body.team, body.legal_status,
        body.case_ref, body.social_worker_id, body.manager_id, body.opened_on, body.closed_on,
        tuple(body.flags), only_if_new=True)
    context = asked.command("RegisterCase", body.service_area, body)
    return await commands.run(context, partial(directory_imports.register_case, command),
                              RegisteredCase)


@router.post("/auditors", status_code=201, tags=["staff directory"], responses=problems(409))
async def register_an_auditor(body: RegisterAuditorRequest, commands: CommandsDep,
                              asked: AskingDep, clock: ClockDep) -> RegisteredAuditor:
    """Adds a trained auditor to the directory from today (once per person); the staff
    import records the whole record."""
    today = london_date(clock.now())
    command = RecordStaff(body.auditor_id, body.role, body.team, today, body.working_pattern,
                          auditor_since=today, only_if_new=True)
    context = asked.command("RegisterAuditor", body.service_area, body)
    return await commands.run(context, partial(directory_imports.register_auditor, command),
                              RegisteredAuditor)


def staff_of(row: StaffRow, today: date) -> RecordStaff:
    return RecordStaff(
        row.person_id, row.role, row.team, row.effective_on or today, row.working_pattern,
        row.auditor_since, row.moderator_since, row.manager_id, row.external, row.leaving_on,
        row.left_on)


def case_of(row: CaseRow) -> RecordCase:
    return RecordCase(
        directory_imports.BY_REFERENCE, row.child_ref, row.team, row.legal_status,
        row.case_ref, row.social_worker_id, row.manager_id, row.opened_on, row.closed_on,
        tuple(row.flags))


async def _csv(request: HttpRequest) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in {"text/csv", "text/plain", "application/csv"}:
        raise RequestValidationError([{"loc": ("header", "content-type"), "type": "value_error",
                                       "msg": "send the extract as text/csv"}])
    raw = await request.body()
    if len(raw) > MAX_BYTES:
        raise RequestValidationError([{"loc": ("body",), "type": "value_error",
                                       "msg": f"at most {MAX_BYTES // 2**20} MiB per import"}])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestValidationError([{"loc": ("body",), "type": "value_error",
                                       "msg": "the file is not UTF-8 text"}]) from None


def _import(kind: str, area: str, text: str) -> ImportRequest:
    return ImportRequest(service_area=area, kind=kind,
                         sha256=hashlib.sha256(text.encode()).hexdigest())


@router.post("/imports/staff", tags=["staff directory"], responses=problems(409),
             description=f"A CSV extract of the staff directory (text/csv, UTF-8, header "
             f"row). Columns: {STAFF_COLUMNS}. Every bad row is reported by line and "
             "column, and a file with any error changes nothing.")
async def import_staff(request: HttpRequest, service_area: AreaQuery, commands: CommandsDep,
                       asked: AskingDep, clock: ClockDep) -> Imported:
    text = await _csv(request)
    today = london_date(clock.now())
    rows = [staff_of(row, today) for row in read_rows(text, StaffRow, person_key)]
    context = asked.command("ImportStaff", service_area, _import("staff", service_area, text))
    return await commands.run(context, partial(directory_imports.record_staff, rows), Imported)


@router.post("/imports/cases", tags=["case register"], responses=problems(409),
             description=f"A CSV extract of the case register (text/csv, UTF-8, header "
             f"row). Columns: {CASE_COLUMNS} (flags separated by ';'). Every bad row is "
             "reported by line and column, and a file with any error changes nothing.")
async def import_cases(request: HttpRequest, service_area: AreaQuery, commands: CommandsDep,
                       asked: AskingDep) -> Imported:
    text = await _csv(request)
    rows = [case_of(row) for row in read_rows(text, CaseRow, case_key)]
    context = asked.command("ImportCases", service_area, _import("cases", service_area, text))
    return await commands.run(context, partial(directory_imports.import_cases, rows), Imported)


@router.get("/cases", tags=["case register"], responses=problems(404))
async def cases(service_area: AreaQuery, queries: QueriesDep,
                actor: ActorDep) -> list[dict[str, Any]]:
    """The case register of a service area (child references: an actor must be named)."""
    return await queries.cases(service_area)


@router.get("/auditors", tags=["staff directory"], responses=problems(404))
async def auditors(service_area: AreaQuery, queries: QueriesDep,
                   actor: ActorDep) -> list[dict[str, Any]]:
    """The staff directory of a service area as it stands (everyone, trained or not)."""
    return await queries.auditors(service_area)


@router.get("/pool", tags=["staff directory"], responses=problems(404))
async def pool(service_area: AreaQuery, queries: QueriesDep, actor: ActorDep,
               as_at: Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")],
               ) -> list[dict[str, Any]]:
    """The auditor pool of a service area as it stood in a month: trained auditors by the
    month's end, less anyone who had left before it began."""
    return await queries.pool(service_area, as_at)

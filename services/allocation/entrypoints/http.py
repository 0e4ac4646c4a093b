"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from services.allocation.application import (
    allocate_case,
    open_cycle,
    register_auditor,
    register_case,
)
from services.allocation.application.queries import AllocationQueries
from services.allocation.application.results import (
    OpenedCycle,
    RegisteredAuditor,
    RegisteredCase,
)
from services.allocation.domain.commands import AllocateCase, RegisterAuditor, RegisterCase
from shared.events.allocation import CaseAllocated
from shared.events.common import ChildRef, LegalStatus, Month, PersonId, Team
from shared.http.conventions import AskingDep
from shared.http.dependencies import CommandsDep, provider
from shared.kernel.identifiers import SLUG_PATTERN, Slug

router = APIRouter()
queries = provider(AllocationQueries)
QueriesDep = Annotated[AllocationQueries, Depends(queries)]

# A query parameter needs Query(pattern=...): a pydantic Field inside Annotated validates
# nothing there, so a bad service area would be answered 200 with an empty list.
ServiceAreaQuery = Annotated[str, Query(pattern=SLUG_PATTERN)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenCycleRequest(Request):
    service_area: Slug
    month: Month
    return_deadline: date | None = Field(
        default=None, description="Defaults to the last day of the month"
    )


class RegisterCaseRequest(Request):
    service_area: Slug
    child_ref: ChildRef = Field(description="Pseudonymous child reference, never a name")
    legal_status: LegalStatus
    team: Team
    case_id: uuid.UUID | None = None


class RegisterAuditorRequest(Request):
    service_area: Slug
    auditor_id: PersonId
    team: Team


class AllocateCaseRequest(Request):
    service_area: Slug
    month: Month
    case_id: uuid.UUID
    auditor_id: PersonId
    allocation_id: uuid.UUID | None = None


@router.post("/cycles", status_code=201, tags=["cycles"])
async def open_a_cycle(body: OpenCycleRequest, commands: CommandsDep,
                       asked: AskingDep) -> OpenedCycle:
    context = asked.command("OpenCycle", body.service_area, body)
    return await commands.run(
        context, partial(open_cycle.handle, body.month, body.return_deadline), OpenedCycle)


@router.post("/cases", status_code=201, tags=["case register"])
async def register_a_case(body: RegisterCaseRequest, commands: CommandsDep,
                          asked: AskingDep) -> RegisteredCase:
    command = RegisterCase(body.case_id or uuid.uuid4(), body.child_ref, body.legal_status,
                           body.team)
    context = asked.command("RegisterCase", body.service_area, body)
    return await commands.run(context, partial(register_case.handle, command), RegisteredCase)


@router.post("/auditors", status_code=201, tags=["auditor pool"])
async def register_an_auditor(body: RegisterAuditorRequest, commands: CommandsDep,
                              asked: AskingDep) -> RegisteredAuditor:
    command = RegisterAuditor(body.auditor_id, body.team)
    context = asked.command("RegisterAuditor", body.service_area, body)
    return await commands.run(context, partial(register_auditor.handle, command),
                              RegisteredAuditor)


@router.post("/allocations", status_code=201, tags=["cycles"])
async def allocate_a_case(body: AllocateCaseRequest, commands: CommandsDep,
                          asked: AskingDep) -> CaseAllocated:
    command = AllocateCase(body.allocation_id or uuid.uuid4(), body.case_id, body.auditor_id,
                           body.month)
    context = asked.command("AllocateCase", body.service_area, body)
    return await commands.run(context, partial(allocate_case.handle, command), CaseAllocated)


@router.get("/cycles/{service_area}/{month}", tags=["cycles"])
async def show_cycle(service_area: Slug, month: Month, queries: QueriesDep) -> dict[str, Any]:
    view = await queries.cycle(service_area, month)
    if view is None:
        raise HTTPException(404, f"no {month} cycle is open for {service_area}")
    return view


@router.get("/cases", tags=["case register"])
async def cases(service_area: ServiceAreaQuery, queries: QueriesDep) -> list[dict[str, Any]]:
    return await queries.cases(service_area)


@router.get("/auditors", tags=["auditor pool"])
async def auditors(service_area: ServiceAreaQuery,
                   queries: QueriesDep) -> list[dict[str, Any]]:
    return await queries.auditors(service_area)

"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import calendar
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.allocation.adapters import read_models
from services.allocation.application import (
    allocate_case,
    open_cycle,
    register_auditor,
    register_case,
)
from services.allocation.domain.commands import (
    AllocateCase,
    OpenCycle,
    RegisterAuditor,
    RegisterCase,
)
from services.allocation.domain.streams import cycle_id
from shared.events.common import ChildRef, LegalStatus, Month, PersonId, Team
from shared.identifiers import SLUG_PATTERN, Slug
from shared.service.dependencies import ActorDep, RuntimeDep
from shared.service.http import CorrelationId, IdempotencyKey, command_context, respond

router = APIRouter()

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
async def open_a_cycle(body: OpenCycleRequest, runtime: RuntimeDep, actor: ActorDep,
                       idempotency_key: IdempotencyKey = None,
                       correlation_id: CorrelationId = None) -> JSONResponse:
    year, month = (int(part) for part in body.month.split("-"))
    deadline = body.return_deadline or date(year, month, calendar.monthrange(year, month)[1])
    command = OpenCycle(cycle_id(runtime.settings.tenant, body.service_area, body.month),
                        body.month, deadline)
    context = command_context("OpenCycle", actor, body.service_area, body, idempotency_key,
                              correlation_id)
    return respond(await runtime.commands.run(
        context, lambda unit: open_cycle.handle(command, unit=unit)))


@router.post("/cases", status_code=201, tags=["case register"])
async def register_a_case(body: RegisterCaseRequest, runtime: RuntimeDep, actor: ActorDep,
                          idempotency_key: IdempotencyKey = None,
                          correlation_id: CorrelationId = None) -> JSONResponse:
    command = RegisterCase(body.case_id or uuid.uuid4(), body.child_ref, body.legal_status,
                           body.team)
    context = command_context("RegisterCase", actor, body.service_area, body, idempotency_key,
                              correlation_id)
    return respond(await runtime.commands.run(
        context, lambda unit: register_case.handle(command, unit=unit)))


@router.post("/auditors", status_code=201, tags=["auditor pool"])
async def register_an_auditor(body: RegisterAuditorRequest, runtime: RuntimeDep,
                              actor: ActorDep, idempotency_key: IdempotencyKey = None,
                              correlation_id: CorrelationId = None) -> JSONResponse:
    command = RegisterAuditor(body.auditor_id, body.team)
    context = command_context("RegisterAuditor", actor, body.service_area, body,
                              idempotency_key, correlation_id)
    return respond(await runtime.commands.run(
        context, lambda unit: register_auditor.handle(command, unit=unit)))


@router.post("/allocations", status_code=201, tags=["cycles"])
async def allocate_a_case(body: AllocateCaseRequest, runtime: RuntimeDep, actor: ActorDep,
                          idempotency_key: IdempotencyKey = None,
                          correlation_id: CorrelationId = None) -> JSONResponse:
    command = AllocateCase(body.allocation_id or uuid.uuid4(), body.case_id, body.auditor_id)
    context = command_context("AllocateCase", actor, body.service_area, body,
                              idempotency_key, correlation_id)
    return respond(await runtime.commands.run(
        context, lambda unit: allocate_case.handle(command, month=body.month, unit=unit)))


@router.get("/cycles/{service_area}/{month}", tags=["cycles"])
async def show_cycle(service_area: Slug, month: Month, runtime: RuntimeDep) -> dict[str, Any]:
    view = await read_models.cycle_view(runtime.pool, service_area, month)
    if view is None:
        raise HTTPException(404, f"no {month} cycle is open for {service_area}")
    return view


@router.get("/cases", tags=["case register"])
async def cases(service_area: ServiceAreaQuery, runtime: RuntimeDep) -> list[dict[str, Any]]:
    return await read_models.list_cases(runtime.pool, service_area)


@router.get("/auditors", tags=["auditor pool"])
async def auditors(service_area: ServiceAreaQuery,
                   runtime: RuntimeDep) -> list[dict[str, Any]]:
    return await read_models.list_auditors(runtime.pool, service_area)

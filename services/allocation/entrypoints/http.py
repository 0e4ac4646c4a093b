"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Depends
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
from services.allocation.domain.rules import CYCLE_MONTH_NEAR_TODAY, DEADLINE_AFTER_ITS_MONTH_BEGINS
from shared.events.allocation import CaseAllocated
from shared.events.common import ChildRef, LegalStatus, PersonId, Team
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaPath, AreaQuery, ClockDep, CommandsDep, provider
from shared.http.fields import MonthInPath, RequestMonth
from shared.http.problems import problems
from shared.http.validation import check_at_edge, enforce
from shared.kernel.clock import london_date
from shared.kernel.errors import NotFound
from shared.kernel.identifiers import Slug

router = APIRouter()
queries = provider(AllocationQueries)
QueriesDep = Annotated[AllocationQueries, Depends(queries)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenCycleRequest(Request):
    service_area: Slug
    month: RequestMonth
    return_deadline: Annotated[date | None, Field(
        description="Defaults to the last day of the month; at most 92 days after it",
        validate_default=True)] = None

    _deadline = enforce(DEADLINE_AFTER_ITS_MONTH_BEGINS)


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
    month: RequestMonth
    case_id: uuid.UUID
    auditor_id: PersonId
    allocation_id: uuid.UUID | None = None


@router.post("/cycles", status_code=201, tags=["cycles"], responses=problems(409))
async def open_a_cycle(body: OpenCycleRequest, commands: CommandsDep, asked: AskingDep,
                       clock: ClockDep) -> OpenedCycle:
    """Opens a month's audit cycle for a service area (once)."""
    check_at_edge(CYCLE_MONTH_NEAR_TODAY,
                  SimpleNamespace(month=body.month, today=london_date(clock.now())))
    context = asked.command("OpenCycle", body.service_area, body)
    return await commands.run(
        context, partial(open_cycle.handle, body.month, body.return_deadline), OpenedCycle)


@router.post("/cases", status_code=201, tags=["case register"], responses=problems(409))
async def register_a_case(body: RegisterCaseRequest, commands: CommandsDep,
                          asked: AskingDep) -> RegisteredCase:
    """Adds a case to the register (once per case id)."""
    command = RegisterCase(body.case_id or uuid.uuid4(), body.child_ref, body.legal_status,
                           body.team)
    context = asked.command("RegisterCase", body.service_area, body)
    return await commands.run(context, partial(register_case.handle, command), RegisteredCase)


@router.post("/auditors", status_code=201, tags=["auditor pool"], responses=problems(409))
async def register_an_auditor(body: RegisterAuditorRequest, commands: CommandsDep,
                              asked: AskingDep) -> RegisteredAuditor:
    """Adds a person to the auditor pool (once per person)."""
    command = RegisterAuditor(body.auditor_id, body.team)
    context = asked.command("RegisterAuditor", body.service_area, body)
    return await commands.run(context, partial(register_auditor.handle, command),
                              RegisteredAuditor)


@router.post("/allocations", status_code=201, tags=["cycles"], responses=problems(404, 409))
async def allocate_a_case(body: AllocateCaseRequest, commands: CommandsDep,
                          asked: AskingDep) -> CaseAllocated:
    """Allocates a registered case to an auditor from another team, in an open cycle."""
    command = AllocateCase(body.allocation_id or uuid.uuid4(), body.case_id, body.auditor_id,
                           body.month)
    context = asked.command("AllocateCase", body.service_area, body)
    return await commands.run(context, partial(allocate_case.handle, command), CaseAllocated)


@router.get("/cycles/{service_area}/{month}", tags=["cycles"], responses=problems(404))
async def show_cycle(service_area: AreaPath, month: MonthInPath,
                     queries: QueriesDep, actor: ActorDep) -> dict[str, Any]:
    """A cycle and its allocations (child references: an actor must be named)."""
    view = await queries.cycle(service_area, month)
    if view is None:
        raise NotFound(f"no {month} cycle has been opened for {service_area}")
    return view


@router.get("/cases", tags=["case register"], responses=problems(404))
async def cases(service_area: AreaQuery, queries: QueriesDep,
                actor: ActorDep) -> list[dict[str, Any]]:
    """The case register of a service area (child references: an actor must be named)."""
    return await queries.cases(service_area)


@router.get("/auditors", tags=["auditor pool"], responses=problems(404))
async def auditors(service_area: AreaQuery, queries: QueriesDep,
                   actor: ActorDep) -> list[dict[str, Any]]:
    """The auditor pool of a service area."""
    return await queries.auditors(service_area)

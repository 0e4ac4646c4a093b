"""HTTP routes of the monthly cycle: open (and draw), allocate automatically and by hand,
reallocate, close, and the cycle's view and completion figures."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from services.allocation.application import (
    allocate_case,
    close_cycle,
    open_cycle,
    reallocate,
    run_allocation,
)
from services.allocation.application.results import AllocationRun, Closed, OpenedCycle, Reallocated
from services.allocation.domain.commands import AllocateCase, ReallocationReason
from services.allocation.domain.rules import (
    CYCLE_MONTH_NEAR_TODAY,
    DEADLINE_AFTER_ITS_MONTH_BEGINS,
    QUOTAS_WITHIN_CORE,
)
from services.allocation.entrypoints.dependencies import (
    DirectoryDep,
    PolicyDep,
    QueriesDep,
    Request,
)
from shared.events.allocation import CaseAllocated
from shared.events.common import PersonId
from shared.events.vocabulary import SelectionRules
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaPath, ClockDep, CommandsDep
from shared.http.fields import MonthInPath, RequestMonth, Text
from shared.http.problems import problems
from shared.http.validation import check_at_edge, enforce
from shared.kernel.clock import london_date
from shared.kernel.errors import NotFound
from shared.kernel.identifiers import Slug

router = APIRouter()


class OpenCycleRequest(Request):
    service_area: Slug
    month: RequestMonth
    return_deadline: Annotated[date | None, Field(
        description="Defaults to the last day of the month; at most 92 days after it",
        validate_default=True)] = None
    rules: Annotated[SelectionRules | None, Field(
        description="What the month's draw takes; without rules nothing is drawn and "
        "cases are allocated by hand", validate_default=True)] = None
    seed: Annotated[int | None, Field(
        ge=0, lt=2**63, description="The draw's seed; chosen and recorded when omitted")] = None
    audits_per_auditor: Annotated[int, Field(ge=1, le=10)] = 1
    moderating: Annotated[list[PersonId], Field(
        description="Moderators moderating this month: excused from core audits",
        max_length=500)] = []

    _deadline = enforce(DEADLINE_AFTER_ITS_MONTH_BEGINS)
    _quotas = enforce(QUOTAS_WITHIN_CORE)


class AllocateCaseRequest(Request):
    service_area: Slug
    month: RequestMonth
    case_id: uuid.UUID
    auditor_id: PersonId
    allocation_id: uuid.UUID | None = None
    reason: Annotated[Text | None, Field(
        description="Why, when the case is not in the month's draw")] = None


class ReallocationRequest(Request):
    service_area: Slug
    auditor_id: PersonId
    reason: ReallocationReason


class NoBody(Request):
    pass


@router.post("/cycles", status_code=201, tags=["cycles"], responses=problems(409))
async def open_a_cycle(body: OpenCycleRequest, commands: CommandsDep, asked: AskingDep,
                       clock: ClockDep, directory: DirectoryDep,
                       policy: PolicyDep) -> OpenedCycle:
    """Opens a month's audit cycle for a service area (once), recording the pool's size
    and the authority's own-team policy; with `rules` it also draws the month's cases
    (with `seed`, or one chosen and recorded)."""
    check_at_edge(CYCLE_MONTH_NEAR_TODAY,
                  SimpleNamespace(month=body.month, today=london_date(clock.now())))
    context = asked.command("OpenCycle", body.service_area, body)
    opening = open_cycle.Opening(
        body.month, body.return_deadline, body.rules, body.seed, policy.own_team_audits,
        body.audits_per_auditor, tuple(body.moderating))
    return await commands.run(context, partial(open_cycle.handle, opening, directory),
                              OpenedCycle)


@router.post("/cycles/{service_area}/{month}/allocation", status_code=201, tags=["cycles"],
             responses=problems(404, 409))
async def allocate_the_draw(service_area: AreaPath, month: MonthInPath,
                            commands: CommandsDep, asked: AskingDep,
                            directory: DirectoryDep) -> AllocationRun:
    """Allocates every drawn case not yet allocated, each to one auditor who may audit
    it, spreading the work; answers with each case it could not place and why."""
    context = asked.command("RunAllocation", service_area, NoBody(), path={"month": month})
    return await commands.run(context, partial(run_allocation.handle, month, directory),
                              AllocationRun)


@router.post("/cycles/{service_area}/{month}/close", tags=["cycles"],
             responses=problems(404, 409))
async def close_a_cycle(service_area: AreaPath, month: MonthInPath, commands: CommandsDep,
                        asked: AskingDep, directory: DirectoryDep) -> Closed:
    """Closes a cycle whose deadline has passed: each allocation without a submitted
    audit becomes a nil return. Closing again changes nothing."""
    context = asked.command("CloseCycle", service_area, NoBody(), path={"month": month})
    return await commands.run(context, partial(close_cycle.handle, month, directory), Closed)


@router.post("/allocations", status_code=201, tags=["allocations"],
             responses=problems(404, 409))
async def allocate_a_case(body: AllocateCaseRequest, commands: CommandsDep,
                          asked: AskingDep, directory: DirectoryDep) -> CaseAllocated:
    """Allocates a registered case by hand to an auditor in the month's pool: never the
    case's social worker or their manager, nor (where the authority forbids it) someone
    of the case's team, nor someone exempted; a case outside the draw needs a reason."""
    command = AllocateCase(body.allocation_id or uuid.uuid4(), body.case_id, body.auditor_id,
                           body.month, body.reason)
    context = asked.command("AllocateCase", body.service_area, body)
    return await commands.run(context, partial(allocate_case.handle, command, directory),
                              CaseAllocated)


@router.post("/allocations/{allocation_id}/reallocation", tags=["allocations"],
             responses=problems(404, 409))
async def reallocate_a_case(allocation_id: uuid.UUID, body: ReallocationRequest,
                            commands: CommandsDep, asked: AskingDep,
                            directory: DirectoryDep) -> Reallocated:
    """Moves an allocation whose audit is not yet submitted to another auditor, with a
    reason (sickness, leave, a declared conflict of interest...)."""
    context = asked.command("Reallocate", body.service_area, body,
                            path={"allocation_id": allocation_id})
    return await commands.run(context, partial(
        reallocate.handle, allocation_id, body.auditor_id, body.reason, directory), Reallocated)


@router.get("/cycles/{service_area}/{month}", tags=["cycles"], responses=problems(404))
async def show_cycle(service_area: AreaPath, month: MonthInPath,
                     queries: QueriesDep, actor: ActorDep) -> dict[str, Any]:
    """A cycle: its rules, seed and draw, its allocations, and the cases the last
    allocation pass could not place and why (child references: an actor must be named)."""
    view = await queries.cycle(service_area, month)
    if view is None:
        raise NotFound(f"no {month} cycle has been opened for {service_area}")
    return view


@router.get("/cycles/{service_area}/{month}/figures", tags=["cycles"], responses=problems(404))
async def figures(service_area: AreaPath, month: MonthInPath, queries: QueriesDep,
                  actor: ActorDep) -> dict[str, Any]:
    """Completion figures as Gloucestershire reports them: completed / (pool -
    non-operational exemptions), e.g. "58/70 (83%)", and completed / pool; as recorded at
    the close once the cycle is closed."""
    view = await queries.figures(service_area, month)
    if view is None:
        raise NotFound(f"no {month} cycle has been opened for {service_area}")
    return view

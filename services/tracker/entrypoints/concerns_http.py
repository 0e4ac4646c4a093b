"""HTTP routes for Children of Concern (the list, responses, sign-off), a child's
timeline, and the tracker's figures as at any date."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.tracker.application import decide_on_concern
from services.tracker.application.results import ConcernUpdate
from services.tracker.domain.commands import CloseConcern, RecordResponse
from services.tracker.domain.figures import figures as fold_figures
from services.tracker.entrypoints.dependencies import CalendarDep, QueriesDep
from services.tracker.entrypoints.requests import ClosureRequest, ResponseRequest, TimelineRequest
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaQuery, ClockDep, CommandsDep
from shared.http.problems import problems
from shared.kernel.clock import london_date
from shared.kernel.errors import NotFound

router = APIRouter()
NO_SUCH_CONCERN = "no such Child of Concern is on the tracker"


@router.get("/children-of-concern", tags=["children of concern"], responses=problems(404))
async def children_of_concern(service_area: AreaQuery, queries: QueriesDep, actor: ActorDep,
                              clock: ClockDep, include_closed: bool = False
                              ) -> list[dict[str, Any]]:
    """The Children of Concern of a service area by category: how long each has been on
    the tracker and since which month, and the decision it waits for (and by when)."""
    return await queries.children_of_concern(service_area, london_date(clock.now()),
                                             include_closed)


@router.get("/children-of-concern/{concern_id}", tags=["children of concern"],
            responses=problems(404))
async def child_of_concern(concern_id: uuid.UUID, queries: QueriesDep, actor: ActorDep
                           ) -> dict[str, Any]:
    found = await queries.concern(concern_id)
    if found is None:
        raise NotFound(NO_SUCH_CONCERN)
    return found


async def _service_area(queries: QueriesDep, concern_id: uuid.UUID) -> str:
    found = await queries.concern(concern_id)
    if found is None:
        raise NotFound(NO_SUCH_CONCERN)
    area: str = found["service_area"]
    return area


@router.post("/children-of-concern/{concern_id}/responses", status_code=201,
             tags=["children of concern"], responses=problems(403, 404, 409))
async def respond(concern_id: uuid.UUID, body: ResponseRequest, queries: QueriesDep,
                  commands: CommandsDep, asked: AskingDep, clock: ClockDep,
                  calendar: CalendarDep) -> ConcernUpdate:
    """A Head of Service's (or director's) response: for a Category 1, due by the end of
    the working day it was raised; the Head of Quality's answers a review."""
    area = await _service_area(queries, concern_id)
    command = RecordResponse(concern_id, asked.actor, body.response, clock.now(), calendar)
    context = asked.command("RespondToConcern", area, body, path={"concern_id": concern_id})
    return await commands.run(context, partial(decide_on_concern.respond, command),
                              ConcernUpdate)


@router.post("/children-of-concern/{concern_id}/closure", status_code=201,
             tags=["children of concern"], responses=problems(403, 404, 409))
async def close(concern_id: uuid.UUID, body: ClosureRequest, queries: QueriesDep,
                commands: CommandsDep, asked: AskingDep, clock: ClockDep) -> ConcernUpdate:
    """Off the tracker: a Category 1 with a director's sign-off, a Category 2 with a Head
    of Service's (or a director's)."""
    area = await _service_area(queries, concern_id)
    command = CloseConcern(concern_id, asked.actor, body.rationale, london_date(clock.now()))
    context = asked.command("CloseConcern", area, body, path={"concern_id": concern_id})
    return await commands.run(context, partial(decide_on_concern.close, command),
                              ConcernUpdate)


@router.post("/children/timeline", tags=["children of concern"], responses=problems(404))
async def child_timeline(body: TimelineRequest, queries: QueriesDep, actor: ActorDep
                         ) -> list[dict[str, Any]]:
    """Everything tracked about one child, oldest first: actions and concerns, each
    decision with who made it and when. A POST, so the child's reference stays out of
    addresses and logs; it records nothing."""
    found = await queries.child_timeline(body.child_ref)
    if not found:
        raise NotFound("nothing is tracked for this child")
    return found


@router.get("/figures", tags=["figures"], responses=problems(404))
async def figures(service_area: AreaQuery, queries: QueriesDep, clock: ClockDep,
                  as_at: Annotated[date | None, Query(
                      description="YYYY-MM-DD: the figures as they stood at the end of that "
                      "day (London); today if not given")] = None) -> dict[str, Any]:
    """The whole tracker as at a date: actions open, within timescale and overdue (with
    percentages and the change since the previous month end), and Children of Concern by
    category, by month raised and by the decision they await."""
    day = as_at or london_date(clock.now())
    actions, concerns = await queries.history(service_area, day)
    return {"service_area": service_area, **fold_figures(actions, concerns, day)}

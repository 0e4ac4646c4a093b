"""HTTP routes: the tracker only answers questions; its events come from audits and time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from services.tracker.application.queries import ActionStatus, TrackerQueries
from shared.http.conventions import ActorDep
from shared.http.dependencies import AreaQuery, ClockDep, provider
from shared.http.problems import problems
from shared.kernel.clock import london_date

router = APIRouter()
queries = provider(TrackerQueries)
QueriesDep = Annotated[TrackerQueries, Depends(queries)]


@router.get("/actions", tags=["actions"], responses=problems(404))
async def actions(service_area: AreaQuery, queries: QueriesDep, actor: ActorDep,
                  status: ActionStatus | None = None) -> list[dict[str, Any]]:
    """The actions of a service area on the tracker (child references: name an actor)."""
    return await queries.actions(service_area, status)


@router.get("/children-of-concern", tags=["children of concern"], responses=problems(404))
async def children_of_concern(service_area: AreaQuery, queries: QueriesDep, actor: ActorDep,
                              clock: ClockDep) -> list[dict[str, Any]]:
    """The Children of Concern of a service area with their days on the tracker."""
    return await queries.children_of_concern(service_area, london_date(clock.now()))

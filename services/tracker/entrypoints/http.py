"""HTTP routes: the tracker only answers questions; its events come from audits and time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.tracker.application.queries import ActionStatus, TrackerQueries
from shared.http.dependencies import ClockDep, provider
from shared.kernel.clock import london_date
from shared.kernel.identifiers import SLUG_PATTERN

router = APIRouter()
queries = provider(TrackerQueries)
QueriesDep = Annotated[TrackerQueries, Depends(queries)]

ServiceArea = Annotated[str, Query(pattern=SLUG_PATTERN)]


@router.get("/actions", tags=["actions"])
async def actions(service_area: ServiceArea, queries: QueriesDep,
                  status: ActionStatus | None = None) -> list[dict[str, Any]]:
    return await queries.actions(service_area, status)


@router.get("/children-of-concern", tags=["children of concern"])
async def children_of_concern(service_area: ServiceArea, queries: QueriesDep,
                              clock: ClockDep) -> list[dict[str, Any]]:
    return await queries.children_of_concern(service_area, london_date(clock.now()))

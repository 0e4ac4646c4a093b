"""HTTP routes: the tracker only answers questions; its events come from audits and time."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from services.tracker.adapters import read_models
from shared.clock import london_date
from shared.identifiers import SLUG_PATTERN
from shared.service.dependencies import RuntimeDep

router = APIRouter()

ServiceArea = Annotated[str, Query(pattern=SLUG_PATTERN)]


@router.get("/actions", tags=["actions"])
async def actions(service_area: ServiceArea, runtime: RuntimeDep,
                  status: Literal["open", "overdue"] | None = None) -> list[dict[str, Any]]:
    return await read_models.list_actions(runtime.pool, service_area, status)


@router.get("/children-of-concern", tags=["children of concern"])
async def children_of_concern(service_area: ServiceArea,
                              runtime: RuntimeDep) -> list[dict[str, Any]]:
    today = london_date(runtime.clock.now())
    return await read_models.list_children_of_concern(runtime.pool, service_area, today)

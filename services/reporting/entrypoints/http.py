"""HTTP routes: read-only reports over the read models."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from services.reporting.adapters import read_models
from services.reporting.entrypoints import text
from shared.events.common import Month
from shared.identifiers import Slug
from shared.service.dependencies import RuntimeDep

router = APIRouter()


# Declared before the JSON route: `{month}` would otherwise match "2024-05.txt" and
# refuse it as a malformed month.
@router.get("/reports/{service_area}/{month}.txt", tags=["reports"],
            response_class=PlainTextResponse)
async def monthly_report_text(service_area: Slug, month: Month,
                              runtime: RuntimeDep) -> PlainTextResponse:
    summary = await read_models.monthly_summary(runtime.pool, service_area, month)
    return PlainTextResponse(text.render(summary))


# A month nothing is known of yet answers with zeros, not 404: leaders ask about a
# month before its first audit exists.
@router.get("/reports/{service_area}/{month}", tags=["reports"])
async def monthly_report(service_area: Slug, month: Month,
                         runtime: RuntimeDep) -> dict[str, Any]:
    summary = await read_models.monthly_summary(runtime.pool, service_area, month)
    return summary.as_dict()

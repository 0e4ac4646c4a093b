"""HTTP routes: read-only reports over the read models."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from services.reporting.application.monthly_report import MonthlyReportQuery, MonthlyRows
from services.reporting.application.monthly_report import handle as report_for
from services.reporting.entrypoints import text
from shared.events.common import Month
from shared.http.dependencies import provider
from shared.kernel.identifiers import Slug

router = APIRouter()


monthly_rows = provider(MonthlyRows)


MonthlyRowsDep = Annotated[MonthlyRows, Depends(monthly_rows)]


# Declared before the JSON route: `{month}` would otherwise match "2024-05.txt" and
# refuse it as a malformed month.
@router.get("/reports/{service_area}/{month}.txt", tags=["reports"],
            response_class=PlainTextResponse)
async def monthly_report_text(service_area: Slug, month: Month,
                              rows: MonthlyRowsDep) -> PlainTextResponse:
    summary = await report_for(MonthlyReportQuery(service_area, month), rows=rows)
    return PlainTextResponse(text.render(summary))


# A month nothing is known of yet answers with zeros, not 404: leaders ask about a
# month before its first audit exists.
@router.get("/reports/{service_area}/{month}", tags=["reports"])
async def monthly_report(service_area: Slug, month: Month,
                              rows: MonthlyRowsDep) -> dict[str, Any]:
    summary = await report_for(MonthlyReportQuery(service_area, month), rows=rows)
    return summary.as_dict()

"""HTTP routes: read-only reports over the read models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from services.reporting.application.monthly_report import MonthlyReportQuery, MonthlyRows
from services.reporting.application.monthly_report import handle as report_for
from services.reporting.entrypoints import text
from shared.http.dependencies import AreaPath, provider
from shared.http.fields import MonthInPath
from shared.http.problems import problems

router = APIRouter()
monthly_rows = provider(MonthlyRows)
MonthlyRowsDep = Annotated[MonthlyRows, Depends(monthly_rows)]


class MonthlyReport(BaseModel):
    service_area: str
    month: str
    allocated: int
    completed: int
    late: int
    completion: str
    grades_before_moderation: dict[str, int]
    grades_after_moderation: dict[str, int]
    moderated: int
    grades_changed: int
    children_of_concern: dict[str, int]
    actions: dict[str, int]


# Declared before the JSON route: `{month}` would otherwise match "2024-05.txt" and
# refuse it as a malformed month.
@router.get("/reports/{service_area}/{month}.txt", tags=["reports"],
            response_class=PlainTextResponse, responses=problems(404))
async def monthly_report_text(service_area: AreaPath, month: MonthInPath,
                              rows: MonthlyRowsDep) -> PlainTextResponse:
    """The month's figures as a small table, for people rather than programs."""
    summary = await report_for(MonthlyReportQuery(service_area, month), rows=rows)
    return PlainTextResponse(text.render(summary))


@router.get("/reports/{service_area}/{month}", tags=["reports"], responses=problems(404))
async def monthly_report(service_area: AreaPath, month: MonthInPath,
                         rows: MonthlyRowsDep) -> MonthlyReport:
    """The month's figures; 404 for a month no cycle was opened for."""
    summary = await report_for(MonthlyReportQuery(service_area, month), rows=rows)
    return MonthlyReport.model_validate(summary.as_dict())

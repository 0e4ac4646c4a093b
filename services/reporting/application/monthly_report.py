"""The monthly QA report of one service area, or of the whole partnership (every area the
deployment serves), as reporting knows it now or as it stood at an earlier instant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from services.reporting.application.queries import ReportRecords
from services.reporting.domain.months import report_day
from services.reporting.domain.report import MonthlyReport, monthly_report
from shared.kernel.clock import london_date
from shared.kernel.errors import NotFound

PARTNERSHIP = "partnership"


@dataclass(frozen=True)
class ReportQuery:
    service_area: str  # an area, or PARTNERSHIP
    month: str
    served: Sequence[str]  # the deployment's service areas
    today: date
    as_at: datetime | None = None

    @property
    def areas(self) -> list[str]:
        return list(self.served) if self.service_area == PARTNERSHIP else [self.service_area]


async def handle(query: ReportQuery, *, records: ReportRecords) -> MonthlyReport:
    if query.as_at is not None:
        loaded = await records.as_at(query.areas, query.as_at)
        day = report_day(query.month, min(query.today, london_date(query.as_at)))
    else:
        loaded = await records.live(query.areas, query.month)
        day = report_day(query.month, query.today)
    if not loaded.knows(query.month):
        when = f" as at {query.as_at.isoformat()}" if query.as_at else ""
        raise NotFound(f"nothing is known of {query.month} in {query.service_area}{when}: "
                       "no cycle opened and nothing allocated")
    return monthly_report(loaded, service_area=query.service_area, areas=query.areas,
                          month=query.month, day=day, as_at=query.as_at)

"""The monthly report: one service area's quality-assurance figures for one month."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.reporting.domain.monthly_summary import MonthlySummary, MonthRows, summarise
from shared.kernel.errors import NotFound


@dataclass(frozen=True)
class MonthlyReportQuery:
    service_area: str
    month: str


class MonthlyRows(Protocol):
    """Loads every read-model row of one service area and month from one consistent snapshot."""

    async def load(self, service_area: str, month: str) -> MonthRows | None:
        """None when nothing is known of that month: no cycle opened, nothing allocated."""
        ...


async def handle(query: MonthlyReportQuery, *, rows: MonthlyRows) -> MonthlySummary:
    loaded = await rows.load(query.service_area, query.month)
    if loaded is None:
        raise NotFound(f"no {query.month} cycle has been opened for {query.service_area}")
    return summarise(
        query.service_area, query.month,
        allocated=loaded.allocated,
        audits=loaded.audits,
        concerns=loaded.concerns,
        actions=loaded.actions,
    )

"""The tracker's domain clocks, as its operators watch them (shared/host/sampling.py reads
them every few seconds): Category 1 Children of Concern whose same-day response is past
due with none recorded, and actions past their due date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import asyncpg

from shared.host.definition import DomainGauge


async def _category_1_past_response(pool: asyncpg.Pool, today: date) -> Mapping[str, float]:
    # response_due_on is cleared when a response is recorded (read_models.py).
    rows = await pool.fetch(
        """SELECT service_area, count(*) AS waiting FROM children_of_concern
            WHERE category = 1 AND response_due_on < $1 AND closed_on IS NULL
            GROUP BY service_area""", today)
    return {row["service_area"]: float(row["waiting"]) for row in rows}


async def _actions_overdue(pool: asyncpg.Pool, today: date) -> Mapping[str, float]:
    # Past the due date, flagged or not yet: the scan may be a few seconds behind.
    rows = await pool.fetch(
        """SELECT service_area, count(*) AS overdue FROM actions
            WHERE status IN ('open', 'overdue') AND due_date < $1
            GROUP BY service_area""", today)
    return {row["service_area"]: float(row["overdue"]) for row in rows}


GAUGES = [
    DomainGauge("qa_children_of_concern_category_1_past_response",
                "Category 1 Children of Concern past their same-day response with none "
                "recorded", _category_1_past_response),
    DomainGauge("qa_actions_overdue", "Open actions past their due date",
                _actions_overdue),
]

"""The monthly report use case over an in-memory MonthlyRows port."""

from __future__ import annotations

from services.reporting.application.monthly_report import MonthlyReportQuery, handle
from services.reporting.domain.monthly_summary import ActionRow, AuditRow, ConcernRow, MonthRows
from shared.events.common import Grade


class InMemoryRows:
    """The MonthlyRows port over a dict keyed by (service_area, month)."""

    def __init__(self, rows: dict[tuple[str, str], MonthRows]) -> None:
        self.rows = rows
        self.asked: list[tuple[str, str]] = []

    async def load(self, service_area: str, month: str) -> MonthRows:
        self.asked.append((service_area, month))
        return self.rows.get((service_area, month), MonthRows(allocated=0))


MARCH = MonthRows(
    allocated=3,
    audits=(
        AuditRow(submitted_grade=Grade.INADEQUATE, late=False),
        AuditRow(submitted_grade=Grade.GOOD, late=True,
                 moderated_grade=Grade.REQUIRES_IMPROVEMENT, grade_changed=True),
        # Moderated, but its submission has not arrived: not counted yet.
        AuditRow(moderated_grade=Grade.GOOD),
    ),
    concerns=(ConcernRow(1),),
    actions=(ActionRow(overdue=False), ActionRow(overdue=True)),
)


async def test_summarises_the_rows_of_the_area_and_month_asked_for() -> None:
    rows = InMemoryRows({
        ("north", "2025-03"): MARCH,
        ("north", "2025-04"): MonthRows(allocated=9),
        ("south", "2025-03"): MonthRows(allocated=7),
    })

    summary = await handle(MonthlyReportQuery("north", "2025-03"), rows=rows)

    assert rows.asked == [("north", "2025-03")]
    assert summary.as_dict() == {
        "service_area": "north",
        "month": "2025-03",
        "allocated": 3,
        "completed": 2,
        "late": 1,
        "completion": "2/3 (67%)",
        "grades_before_moderation": {
            "outstanding": 0, "good": 1, "requires-improvement": 0, "inadequate": 1
        },
        "grades_after_moderation": {
            "outstanding": 0, "good": 0, "requires-improvement": 1, "inadequate": 1
        },
        "moderated": 1,
        "grades_changed": 1,
        "children_of_concern": {"1": 1, "2": 0},
        "actions": {"open": 1, "overdue": 1, "total": 2},
    }


async def test_a_month_without_rows_is_all_zeros() -> None:
    summary = await handle(MonthlyReportQuery("north", "1999-01"), rows=InMemoryRows({}))

    assert (summary.service_area, summary.month) == ("north", "1999-01")
    assert (summary.allocated, summary.completed, summary.completion) == (0, 0, "0/0 (n/a)")
    assert dict(summary.actions) == {"open": 0, "overdue": 0, "total": 0}

"""The partnership feed: counts of 1 to 4 withheld, and any percentage that would tell
one; a figure published again only when it changed."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.reporting.domain.feed import FEED, PublishFigures, partnership_figures
from services.reporting.domain.records import AllocationRecord, AuditRecord, CycleRecord
from services.reporting.domain.report import Records, monthly_report
from shared.events.common import Grade

MONTH = "2025-03"


def report(completed: int, allocated: int, pool: int) -> Records:
    return Records(
        cycles=[CycleRecord(subject="cycle:1", service_area="north", month=MONTH, opened=True,
                            auditors_in_pool=pool)],
        allocations=[AllocationRecord(subject=f"allocation:{n}", service_area="north",
                                      month=MONTH, allocation_id=uuid.UUID(int=n),
                                      allocated=True) for n in range(allocated)],
        audits=[AuditRecord(subject=f"audit:{n}", service_area="north", month=MONTH,
                            audit_id=uuid.uuid4(), allocation_id=uuid.UUID(int=n),
                            submissions=1, submitted_grade=Grade.GOOD)
                for n in range(completed)])


def figures(completed: int, allocated: int, pool: int) -> dict[str, Any]:
    found = monthly_report(report(completed, allocated, pool), service_area="north",
                           areas=["north"], month=MONTH, day=date(2025, 3, 31))
    return partnership_figures(found).model_dump(mode="json")


def test_small_counts_and_the_percentages_that_would_tell_them_are_withheld() -> None:
    # 3 of 4 allocated audits returned, of a pool of 12: 3 and 4 are small numbers.
    small = figures(completed=3, allocated=4, pool=12)
    assert (small["auditors_in_pool"], small["allocated"], small["completed"]) == (12, None,
                                                                                  None)
    assert small["completion_overall_percent"] is None  # 3/12 would tell the 3
    assert small["grades_after_moderation"] == {"outstanding": 0, "good": None,
                                                "requires-improvement": 0, "inadequate": 0}
    assert (small["actions_open"], small["children_of_concern_category_1"]) == (0, 0)
    # 9 of 10 of a pool of 12: nothing small, 9/12 = 75%.
    enough = figures(completed=9, allocated=10, pool=12)
    assert (enough["allocated"], enough["completed"]) == (10, 9)
    assert enough["completion_overall_percent"] == 75
    assert enough["grades_after_moderation"]["good"] == 9
    assert enough["suppressed_below"] == 5


def test_nothing_personal_is_in_the_feed() -> None:
    published = figures(completed=9, allocated=10, pool=12)
    assert set(published) == {
        "month", "suppressed_below", "auditors_in_pool", "allocated", "completed",
        "completion_net_of_non_operational_percent", "completion_overall_percent",
        "completed_to_standard", "grades_after_moderation", "actions_open",
        "actions_overdue", "actions_overdue_percent", "children_of_concern_category_1",
        "children_of_concern_category_2"}


def test_the_same_figures_are_not_published_twice() -> None:
    first = partnership_figures(monthly_report(
        report(9, 10, 12), service_area="north", areas=["north"], month=MONTH,
        day=date(2025, 3, 31)))
    later = partnership_figures(monthly_report(
        report(10, 10, 12), service_area="north", areas=["north"], month=MONTH,
        day=date(2025, 3, 31)))

    assert FEED.run([], PublishFigures(first)) == [first]
    assert FEED.run([first], PublishFigures(first)) == []
    assert FEED.run([first], PublishFigures(later)) == [later]

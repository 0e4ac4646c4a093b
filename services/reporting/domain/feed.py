"""The partnership feed (pure): a month's report of one service area reduced to counts
and whole percentages, small numbers withheld, and published again only when a figure
changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.reporting.domain.intervals import Share
from services.reporting.domain.report import GRADES, MonthlyReport
from shared.events.reporting import PartnershipFigures
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider
from shared.kernel.identifiers import derived_id

# Counts of 1 to 4 are withheld: the threshold commonly used for published statistics
# about children's services, where a group of fewer than five may be identifiable.
SUPPRESSED_BELOW = 5


def withheld(count: int | None, threshold: int) -> int | None:
    if count is None or 0 < count < threshold:
        return None
    return count


def _percent(share: Share, threshold: int) -> int | None:
    # A percentage of a small group, or a small part of a group, tells the count.
    if withheld(share.count, threshold) is None or withheld(share.of, threshold) is None:
        return None
    return share.percent


def partnership_figures(report: MonthlyReport, threshold: int = SUPPRESSED_BELOW
                        ) -> PartnershipFigures:
    much = report.how_much.this_month
    grades = report.how_well.grades_by_month[-1].after_moderation
    tracker, concerns = report.actions.now, report.actions.concerns.by_category

    def count(value: int | None) -> int | None:
        return withheld(value, threshold)

    return PartnershipFigures(
        month=report.month, suppressed_below=threshold,
        auditors_in_pool=count(much.auditors_in_pool), allocated=count(much.allocated),
        completed=count(much.completed),
        completion_net_of_non_operational_percent=_percent(
            much.completion_net_of_non_operational, threshold),
        completion_overall_percent=_percent(much.completion_overall, threshold),
        completed_to_standard=count(much.completed_to_standard),
        grades_after_moderation={g: count(grades[g].count) for g in GRADES},
        actions_open=count(tracker.open), actions_overdue=count(tracker.overdue.count),
        actions_overdue_percent=_percent(tracker.overdue, threshold),
        children_of_concern_category_1=count(concerns["1"]),
        children_of_concern_category_2=count(concerns["2"]))


@dataclass(frozen=True)
class PublishFigures:
    figures: PartnershipFigures


def _evolve(last: PartnershipFigures | None, event: EventContract) -> PartnershipFigures | None:
    return event if isinstance(event, PartnershipFigures) else last


def _decide(command: PublishFigures, last: PartnershipFigures | None
            ) -> Sequence[EventContract]:
    # Downstream consumers keep the latest per area and month: a repeat would tell them
    # nothing, so only a change is published.
    return [] if command.figures == last else [command.figures]


FEED: Decider[PublishFigures, PartnershipFigures | None] = Decider(
    "partnership-feed", None, _evolve, _decide)


def feed_stream(service_area: str, month: str) -> str:
    return f"partnership-feed-{derived_id('partnership-feed', service_area, month)}"

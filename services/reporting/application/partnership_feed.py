"""Publishing the partnership feed for a month: each served area's figures, small
numbers withheld, recorded (and so relayed to reporting's topic) when they changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from pydantic import BaseModel

from services.reporting.application.queries import ReportRecords
from services.reporting.domain.feed import FEED, PublishFigures, feed_stream, partnership_figures
from services.reporting.domain.months import report_day
from services.reporting.domain.report import monthly_report
from shared.events.reporting import PartnershipFigures
from shared.kit.commands import CommandContext, CommandRunner
from shared.kit.unit_of_work import UnitOfWork


class FeedPublished(BaseModel):
    month: str
    published: list[str]  # areas whose figures changed and were published
    unchanged: list[str]  # areas whose figures were already published as they stand
    nothing_known: list[str]  # areas with no cycle or allocation that month


class Published(BaseModel):
    changed: bool


async def _publish(stream: str, figures: PartnershipFigures, uow: UnitOfWork) -> Published:
    return Published(changed=bool(await uow.execute(FEED, stream, PublishFigures(figures))))


@dataclass(frozen=True)
class PublishFeed:
    month: str
    areas: list[str]
    today: date


async def handle(command: PublishFeed, *, records: ReportRecords, commands: CommandRunner,
                 context_for: Callable[[str], CommandContext]) -> FeedPublished:
    result = FeedPublished(month=command.month, published=[], unchanged=[], nothing_known=[])
    for area in command.areas:
        loaded = await records.live([area], command.month)
        if not loaded.knows(command.month):
            result.nothing_known.append(area)
            continue
        report = monthly_report(loaded, service_area=area, areas=[area], month=command.month,
                                day=report_day(command.month, command.today))
        use_case = partial(_publish, feed_stream(area, command.month),
                           partnership_figures(report))
        done = await commands.run(context_for(area), use_case, Published)
        (result.published if done.changed else result.unchanged).append(area)
    return result

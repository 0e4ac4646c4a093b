"""The tracker's background jobs: its timetable (overdue actions, escalations, the
Category 1 same-day check: `application/check_timescales.py`) and its notifier
(`application/deliver_notifications.py`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from services.tracker.application.check_timescales import check_timescales
from services.tracker.application.deliver_notifications import deliver_notifications
from services.tracker.application.ports import NotificationOutbox, Sender
from services.tracker.application.queries import TrackerQueries
from services.tracker.domain.timescales import Escalation
from shared.host.definition import Job, JobContext

log = logging.getLogger(__name__)


def timetable(interval: float, escalation: Escalation) -> Job:
    async def scan(context: JobContext) -> None:
        queries = context.get(TrackerQueries)
        await every(interval, lambda: check_timescales(context.commands, queries,
                                                       context.clock, escalation),
                    "timetable scan")

    scan.__name__ = "timetable_scan"
    return scan


def notifier(interval: float, sender: Sender) -> Job:
    async def notify(context: JobContext) -> None:
        outbox = context.get(NotificationOutbox)
        await every(interval, lambda: deliver_notifications(outbox, sender), "notifier")

    notify.__name__ = "notifier"
    return notify


async def every(interval: float, job: Callable[[], Awaitable[object]],
                name: str = "overdue scan") -> None:
    """Run `job` now and then every `interval` seconds until cancelled.

    A failed pass is logged and left to the next one; cancellation (a BaseException,
    not caught here) ends the loop.
    """
    while True:
        try:
            await job()
        except Exception:
            log.exception("%s failed; the next pass retries", name)
        await asyncio.sleep(interval)

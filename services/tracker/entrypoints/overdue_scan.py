"""The periodic job that runs the overdue scan (`application/flag_overdue_actions.py`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from services.tracker.application.flag_overdue_actions import flag_overdue_actions
from services.tracker.application.queries import TrackerQueries
from shared.host.definition import Job, JobContext

log = logging.getLogger(__name__)


def overdue_scan(interval: float) -> Job:
    async def scan(context: JobContext) -> None:
        queries = context.get(TrackerQueries)
        await every(interval, lambda: flag_overdue_actions(context.commands, queries,
                                                           context.clock))

    scan.__name__ = "overdue_scan"
    return scan


async def every(interval: float, job: Callable[[], Awaitable[object]]) -> None:
    """Run `job` now and then every `interval` seconds until cancelled.

    A failed pass is logged and left to the next one; cancellation (a BaseException,
    not caught here) ends the loop.
    """
    while True:
        try:
            await job()
        except Exception:
            log.exception("overdue scan failed; the next pass retries")
        await asyncio.sleep(interval)

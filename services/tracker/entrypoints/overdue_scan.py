"""The periodic job that flags actions past their due date.

Exactly once comes from each action's stream (history check, then an append at the
version read, retried by the command runner on a conflict), so restarts, overlapping
passes and several tracker processes cannot flag an action twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date

from services.tracker.adapters import read_models
from services.tracker.application import mark_action_overdue
from services.tracker.domain.commands import MarkActionOverdue
from services.tracker.settings import TrackerSettings
from shared.actor import SystemProcess
from shared.clock import london_date
from shared.service.commands import CommandContext
from shared.service.runtime import Runtime

log = logging.getLogger(__name__)

SCANNER = SystemProcess(name="tracker-overdue-scan")


async def overdue_scan(runtime: Runtime) -> None:
    await every(TrackerSettings().scan_interval, lambda: scan_once(runtime))


async def every(interval: float, job: Callable[[], Awaitable[None]]) -> None:
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


async def scan_once(runtime: Runtime) -> None:
    today = london_date(runtime.clock.now())
    for candidate in await read_models.overdue_candidates(runtime.pool, today):
        try:
            await mark(runtime, candidate, today)
        except Exception:
            # One action that cannot be marked must not hold up the others.
            log.exception("marking action %s overdue failed", candidate.action_id)


async def mark(runtime: Runtime, candidate: read_models.OverdueCandidate, today: date) -> None:
    command = MarkActionOverdue(candidate.action_id, today)
    context = CommandContext(
        name="MarkActionOverdue",
        actor=SCANNER,
        service_area=candidate.service_area,
        idempotency_key=None,
        request={"action_id": str(candidate.action_id), "today": today.isoformat()},
    )
    answer = await runtime.commands.run(
        context, lambda unit: mark_action_overdue.handle(command, unit=unit)
    )
    if answer.body["marked_overdue"]:
        log.info("action %s is overdue as of %s", candidate.action_id, today)

"""The scheduled job that closes every cycle whose return deadline has passed."""

from __future__ import annotations

import asyncio
import logging

from services.allocation.application.close_cycle import close_due_cycles
from services.allocation.application.queries import Directory
from shared.host.definition import Job, JobContext

log = logging.getLogger(__name__)


def scheduled_close(interval: float) -> Job:
    async def close(context: JobContext) -> None:
        directory = context.get(Directory)
        while True:
            try:
                await close_due_cycles(context.commands, directory, context.clock)
            except Exception:
                log.exception("scheduled close failed; the next pass retries")
            await asyncio.sleep(interval)

    close.__name__ = "scheduled_close"
    return close

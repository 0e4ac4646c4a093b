"""One pass of the overdue scan: every open action past its due date is marked overdue.

Exactly once comes from each action's stream (history check, then an append at the
version read, retried by the command runner on a conflict), so restarts, overlapping
passes and several tracker processes cannot flag an action twice.
"""

from __future__ import annotations

import logging
from functools import partial

from services.tracker.application import mark_action_overdue
from services.tracker.application.mark_action_overdue import OverdueMarking
from services.tracker.application.queries import TrackerQueries
from services.tracker.domain.commands import MarkActionOverdue
from shared.kernel.actor import SystemProcess
from shared.kernel.clock import Clock, london_date
from shared.kit.commands import CommandContext, CommandRunner

log = logging.getLogger(__name__)

SCANNER = SystemProcess(name="tracker-overdue-scan")


async def flag_overdue_actions(commands: CommandRunner, queries: TrackerQueries,
                               clock: Clock) -> int:
    """Returns how many actions this pass marked overdue."""
    today = london_date(clock.now())
    marked = 0
    for candidate in await queries.overdue_candidates(today):
        command = MarkActionOverdue(candidate.action_id, today)
        context = CommandContext(
            name="MarkActionOverdue", actor=SCANNER, service_area=candidate.service_area,
            request={"action_id": str(candidate.action_id), "today": today.isoformat()},
        )
        try:
            answer = await commands.run(context, partial(mark_action_overdue.handle, command),
                                        OverdueMarking)
        except Exception:
            # One action that cannot be marked must not hold up the others.
            log.exception("marking action %s overdue failed", candidate.action_id)
            continue
        if answer.marked_overdue:
            marked += 1
            log.info("action %s is overdue as of %s", candidate.action_id, today)
    return marked

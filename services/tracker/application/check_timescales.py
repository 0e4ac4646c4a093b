"""One pass of the tracker's timetable: every open action past its due date is flagged
overdue and escalated at each point it has reached; every Category 1 without a response
by its day goes to the director.

Exactly once comes from each action's and concern's own stream (history check, then an
append at the version read, retried by the command runner on a conflict), so restarts,
overlapping passes and several tracker processes cannot record anything twice. The read
model only shortlists; a lagging or rebuilt read model costs a wasted look, never a
second event.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TypeVar

from services.tracker.application.queries import ActionCandidate, TrackerQueries
from services.tracker.application.record import on_action, on_concern
from services.tracker.application.results import ActionUpdate, ConcernUpdate
from services.tracker.domain.commands import CheckAction, CheckConcern
from services.tracker.domain.timescales import Escalation
from shared.kernel.actor import SystemProcess
from shared.kernel.clock import Clock, london_date, working_days_after
from shared.kit.commands import CommandContext, CommandRunner
from shared.kit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

SCANNER = SystemProcess(name="tracker-timetable")
R = TypeVar("R", ActionUpdate, ConcernUpdate)


@dataclass(frozen=True)
class Pass:
    actions_changed: int
    concerns_escalated: int


def due_a_look(candidate: ActionCandidate, today: date, escalation: Escalation) -> bool:
    """Whether the read model says anything may be due: the stream decides for real."""
    if not candidate.overdue_flagged:
        return True
    points = escalation.points
    return candidate.escalation_level < len(points) and working_days_after(
        candidate.due_date, today, escalation.calendar) >= points[candidate.escalation_level]


async def check_timescales(commands: CommandRunner, queries: TrackerQueries, clock: Clock,
                           escalation: Escalation) -> Pass:
    today = london_date(clock.now())
    changed = escalated = 0
    for candidate in await queries.action_candidates(today):
        if due_a_look(candidate, today, escalation) and await _run(
                commands, "CheckAction", candidate.action_id, candidate.service_area, today,
                partial(on_action, CheckAction(candidate.action_id, today, escalation)),
                ActionUpdate):
            changed += 1
    for concern in await queries.concern_candidates(today):
        if await _run(commands, "CheckConcern", concern.concern_id, concern.service_area,
                      today, partial(on_concern, CheckConcern(concern.concern_id, today)),
                      ConcernUpdate):
            escalated += 1
    return Pass(changed, escalated)


async def _run(commands: CommandRunner, name: str, subject: uuid.UUID, service_area: str,
               today: date, use_case: Callable[[UnitOfWork], Awaitable[R]],
               result: type[R]) -> bool:
    context = CommandContext(name=name, actor=SCANNER, service_area=service_area,
                             request={"id": str(subject), "today": today.isoformat()})
    try:
        answer = await commands.run(context, use_case, result)
    except Exception:
        # One thing that cannot be checked must not hold up the others.
        log.exception("%s %s failed", name, subject)
        return False
    if answer.recorded:
        log.info("%s %s as of %s: %s", name, subject, today, ", ".join(answer.recorded))
    return bool(answer.recorded)

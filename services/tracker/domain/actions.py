"""An action on the log: raised by an audit or by hand; open, then completed with evidence
by its owner, then verified by their manager (or reopened); its due date extended and its
owner changed only with a reason. Overdue once per due date, escalated once per point.
A completed or verified action never turns overdue; a reopened one can."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from types import SimpleNamespace
from typing import Any, Literal

from services.tracker.domain.commands import (
    ActionCommand,
    CheckAction,
    CompleteAction,
    ExtendAction,
    Oversee,
    RaiseAction,
    ReassignAction,
    ReopenAction,
    TrackAction,
    VerifyAction,
)
from services.tracker.domain.events import ActionDescribed
from services.tracker.domain.rules import DUE_IN_REACH, may_oversee
from shared.events.tracker import (
    ActionCompleted,
    ActionDueDateExtended,
    ActionEscalated,
    ActionOverdue,
    ActionReassigned,
    ActionReopened,
    ActionTrackingStarted,
    ActionVerified,
)
from shared.kernel.clock import working_days_after
from shared.kernel.contracts import EventContract, carried
from shared.kernel.decider import Decider, by_command
from shared.kernel.errors import Forbidden, NotFound, RuleBroken

Stage = Literal["open", "completed", "verified"]
NO_SUCH_ACTION = "no such action is on the tracker"


@dataclass(frozen=True)
class Action:
    started: ActionTrackingStarted | None = None
    description: str | None = None
    owner_id: str = ""
    due_date: date = date.min
    stage: Stage = "open"
    completed: ActionCompleted | None = None
    overdue_for: date | None = None  # the due date an ActionOverdue was recorded for
    escalated: int = 0  # levels escalated since the due date last moved


EVOLVE: dict[type[EventContract], Callable[[Action, Any], Action]] = {
    ActionTrackingStarted: lambda s, e: replace(s, started=e, owner_id=e.owner_id,
                                                due_date=e.due_date),
    ActionDescribed: lambda s, e: replace(s, description=e.description),
    ActionOverdue: lambda s, e: replace(s, overdue_for=e.due_date),
    ActionEscalated: lambda s, e: replace(s, escalated=max(s.escalated, e.level)),
    ActionCompleted: lambda s, e: replace(s, stage="completed", completed=e),
    ActionVerified: lambda s, e: replace(s, stage="verified"),
    ActionReopened: lambda s, e: replace(s, stage="open", completed=None),
    ActionDueDateExtended: lambda s, e: replace(s, due_date=e.to_date, escalated=0),
    ActionReassigned: lambda s, e: replace(s, owner_id=e.to_owner_id),
}


def evolve(state: Action, event: EventContract) -> Action:
    step = EVOLVE.get(type(event))
    return state if step is None else step(state, event)


def tracked(command: TrackAction, state: Action) -> list[EventContract]:
    if state.started is not None:
        return []  # a redelivered ActionRaised changes nothing
    raised = command.raised
    return [carried(ActionTrackingStarted, raised),  # source: "audit", the default
            ActionDescribed(action_id=raised.action_id, description=raised.description)]


def raised_by_hand(command: RaiseAction, state: Action) -> list[EventContract]:
    if state.started is not None:
        raise RuleBroken("an action with this id is already on the tracker")
    return [
        ActionTrackingStarted(
            action_id=command.action_id, audit_id=None, month=command.month,
            child_ref=command.child_ref, case_team=command.case_team,
            owner_id=command.owner_id, due_date=command.due_date,
            priority=command.priority, source="by-hand"),
        ActionDescribed(action_id=command.action_id, description=command.description),
    ]


def check(command: CheckAction, state: Action) -> list[EventContract]:
    """Due on a day means done by the end of that day, so overdue from the day after."""
    started, due = state.started, state.due_date
    if started is None or state.stage != "open" or command.today <= due:
        return []
    events: list[EventContract] = []
    if state.overdue_for != due:
        events.append(ActionOverdue(
            action_id=started.action_id, audit_id=started.audit_id, month=started.month,
            owner_id=state.owner_id, due_date=due, detected_on=command.today))
    escalation = command.escalation
    late = working_days_after(due, command.today, escalation.calendar)
    for level, point in enumerate(escalation.points, start=1):
        if level > state.escalated and late >= point:
            events.append(ActionEscalated(
                action_id=started.action_id, level=level, to_role=escalation.role_for(level),
                days_overdue=late, detected_on=command.today))
    return events


def existing(state: Action) -> ActionTrackingStarted:
    if state.started is None:
        raise NotFound(NO_SUCH_ACTION)
    return state.started


def complete(command: CompleteAction, state: Action) -> list[EventContract]:
    started = existing(state)
    if command.by.person_id != state.owner_id:
        raise Forbidden(f"only the action's owner ({state.owner_id}) may complete it")
    if state.stage != "open":
        raise RuleBroken(f"this action is already {state.stage}")
    if not command.evidence.strip():
        raise RuleBroken("completing an action needs evidence of what was done")
    return [ActionCompleted(action_id=started.action_id, completed_by=command.by.person_id,
                            completed_on=command.today, evidence=command.evidence,
                            evidence_link=command.evidence_link)]


def overseen(command: Oversee, state: Action) -> ActionTrackingStarted:
    started = existing(state)
    by = command.by
    if not may_oversee(by.person_id, by.role, command.owners_manager):
        raise Forbidden("only the owner's line manager, a head of service, a director or "
                        "quality management may do this to an action")
    return started


def verify(command: VerifyAction, state: Action) -> list[EventContract]:
    started = overseen(command, state)
    if state.stage != "completed" or state.completed is None:
        raise RuleBroken("only a completed action (not yet verified) can be verified")
    if command.by.person_id == state.completed.completed_by:
        raise Forbidden("a completion is verified by someone other than whoever completed it")
    return [ActionVerified(action_id=started.action_id, verified_by=command.by.person_id,
                           verified_on=command.today)]


def reopen(command: ReopenAction, state: Action) -> list[EventContract]:
    started = overseen(command, state)
    if state.stage == "open":
        raise RuleBroken("only a completed or verified action can be reopened")
    return [ActionReopened(action_id=started.action_id, reopened_by=command.by.person_id,
                           reason=command.reason)]


def extend(command: ExtendAction, state: Action) -> list[EventContract]:
    started = overseen(command, state)
    if state.stage != "open":
        raise RuleBroken(f"a {state.stage} action has no due date to extend")
    if command.by.person_id == state.owner_id:
        raise Forbidden("an owner does not extend their own action: their manager does")
    if command.to_date <= state.due_date:
        raise RuleBroken(f"an extension moves the due date later than {state.due_date}")
    DUE_IN_REACH.check(SimpleNamespace(due_date=command.to_date, today=command.today))
    return [ActionDueDateExtended(
        action_id=started.action_id, from_date=state.due_date, to_date=command.to_date,
        extended_by=command.by.person_id, reason=command.reason)]


def reassign(command: ReassignAction, state: Action) -> list[EventContract]:
    started = overseen(command, state)
    if state.stage != "open":
        raise RuleBroken(f"a {state.stage} action is not reassigned")
    if command.to_owner_id == state.owner_id:
        raise RuleBroken(f"the action is already owned by {state.owner_id}")
    return [ActionReassigned(
        action_id=started.action_id, from_owner_id=state.owner_id,
        to_owner_id=command.to_owner_id, reassigned_by=command.by.person_id,
        reason=command.reason)]


ACTION: Decider[ActionCommand, Action] = Decider(
    "action", Action(), evolve,
    by_command({TrackAction: tracked, RaiseAction: raised_by_hand, CheckAction: check,
                CompleteAction: complete, VerifyAction: verify, ReopenAction: reopen,
                ExtendAction: extend, ReassignAction: reassign}))

"""An action raised by an audit: tracked once, and flagged overdue at most once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from services.tracker.domain.commands import ActionCommand, MarkActionOverdue, TrackAction
from services.tracker.domain.events import ActionTrackingStarted
from shared.events.tracker import ActionOverdue
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider


@dataclass(frozen=True)
class Action:
    started: ActionTrackingStarted | None = None
    overdue: ActionOverdue | None = None


def evolve(state: Action, event: EventContract) -> Action:
    if isinstance(event, ActionTrackingStarted):
        return replace(state, started=event)
    if isinstance(event, ActionOverdue):
        return replace(state, overdue=event)
    return state


def decide(command: ActionCommand, state: Action) -> Sequence[EventContract]:
    if isinstance(command, TrackAction):
        return start_tracking(command, state)
    return mark_overdue(command, state)


def start_tracking(command: TrackAction, state: Action) -> list[EventContract]:
    # A redelivered or re-raised ActionRaised is not an error: the consumer must not
    # dead-letter it, it simply changes nothing.
    if state.started is not None:
        return []
    return [
        ActionTrackingStarted(
            action_id=command.action_id, audit_id=command.audit_id, month=command.month,
            child_ref=command.child_ref, case_team=command.case_team,
            owner_id=command.owner_id, due_date=command.due_date,
        )
    ]


def mark_overdue(command: MarkActionOverdue, state: Action) -> list[EventContract]:
    """ActionOverdue the first time the action is seen past its due date, else nothing.

    Due on a day means done by the end of that day, so it is overdue from the day after.
    """
    started = state.started
    if started is None or state.overdue is not None or command.today <= started.due_date:
        return []
    return [
        ActionOverdue(
            action_id=started.action_id, audit_id=started.audit_id, month=started.month,
            owner_id=started.owner_id, due_date=started.due_date, detected_on=command.today,
        )
    ]


ACTION: Decider[ActionCommand, Action] = Decider("action", Action(), evolve, decide)

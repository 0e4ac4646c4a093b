"""An action raised by an audit: tracked once, and flagged overdue at most once."""

from __future__ import annotations

from dataclasses import dataclass

from services.tracker.domain.commands import ActionCommand, MarkActionOverdue, TrackAction
from shared.events.tracker import ActionOverdue, ActionTrackingStarted
from shared.kernel.contracts import EventContract, carried
from shared.kernel.decider import Decider, by_command, keep_latest, once


@dataclass(frozen=True)
class Action:
    started: ActionTrackingStarted | None = None
    overdue: ActionOverdue | None = None


def tracking_started(command: TrackAction) -> ActionTrackingStarted:
    return carried(ActionTrackingStarted, command.raised)


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


ACTION: Decider[ActionCommand, Action] = Decider(
    "action", Action(), keep_latest(started=ActionTrackingStarted, overdue=ActionOverdue),
    by_command({TrackAction: once(lambda action: action.started, tracking_started),
                MarkActionOverdue: mark_overdue}))

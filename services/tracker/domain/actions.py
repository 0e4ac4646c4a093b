"""An action raised by an audit: tracked once, and flagged overdue at most once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.tracker.domain.commands import TrackAction
from shared.contracts import EventContract
from shared.events.tracker import ActionOverdue, ActionTrackingStarted


@dataclass(frozen=True)
class Action:
    started: ActionTrackingStarted | None
    overdue: ActionOverdue | None


def replay(history: Sequence[EventContract]) -> Action:
    started: ActionTrackingStarted | None = None
    overdue: ActionOverdue | None = None
    for event in history:
        if isinstance(event, ActionTrackingStarted):
            started = event
        elif isinstance(event, ActionOverdue):
            overdue = event
    return Action(started, overdue)


def start_tracking(history: Sequence[EventContract], command: TrackAction) -> list[EventContract]:
    # A redelivered or re-raised ActionRaised is not an error: the consumer must not
    # dead-letter it, it simply changes nothing.
    if replay(history).started is not None:
        return []
    return [
        ActionTrackingStarted(
            action_id=command.action_id, audit_id=command.audit_id, month=command.month,
            child_ref=command.child_ref, case_team=command.case_team,
            owner_id=command.owner_id, due_date=command.due_date,
        )
    ]


def mark_overdue(history: Sequence[EventContract], today: date) -> list[EventContract]:
    """ActionOverdue the first time the action is seen past its due date, else nothing.

    Due on a day means done by the end of that day, so it is overdue from the day after.
    """
    action = replay(history)
    started = action.started
    if started is None or action.overdue is not None or today <= started.due_date:
        return []
    return [
        ActionOverdue(
            action_id=started.action_id, audit_id=started.audit_id, month=started.month,
            owner_id=started.owner_id, due_date=started.due_date, detected_on=today,
        )
    ]

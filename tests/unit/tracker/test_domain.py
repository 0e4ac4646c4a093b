from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from services.tracker.domain import actions, concerns
from services.tracker.domain.commands import TrackAction, TrackChildOfConcern
from shared.contracts import EventContract
from shared.events.tracker import (
    ActionOverdue,
    ActionTrackingStarted,
    ChildOfConcernTrackingStarted,
)

DUE = date(2025, 3, 31)

RAISED = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def track_action() -> TrackAction:
    return TrackAction(
        action_id=uuid.uuid4(), audit_id=uuid.uuid4(), month="2025-03", child_ref="CR-00123",
        case_team="east-1", owner_id="staff-0007", due_date=DUE,
    )


def tracked(command: TrackAction) -> list[ActionTrackingStarted]:
    events = actions.start_tracking([], command)
    assert all(isinstance(event, ActionTrackingStarted) for event in events)
    return [event for event in events if isinstance(event, ActionTrackingStarted)]


def test_an_action_starts_tracking_with_what_the_audit_raised() -> None:
    command = track_action()
    assert tracked(command) == [
        ActionTrackingStarted(
            action_id=command.action_id, audit_id=command.audit_id, month="2025-03",
            child_ref="CR-00123", case_team="east-1", owner_id="staff-0007", due_date=DUE,
        )
    ]


def test_an_action_starts_tracking_once_and_a_duplicate_changes_nothing() -> None:
    command = track_action()
    assert actions.start_tracking(tracked(command), command) == []


def test_an_action_past_its_due_date_is_marked_overdue_with_the_day_it_was_seen() -> None:
    command = track_action()
    today = DUE + timedelta(days=1)
    assert actions.mark_overdue(tracked(command), today) == [
        ActionOverdue(
            action_id=command.action_id, audit_id=command.audit_id, month="2025-03",
            owner_id="staff-0007", due_date=DUE, detected_on=today,
        )
    ]


@pytest.mark.parametrize("today", [DUE, DUE - timedelta(days=1), date(2025, 1, 1)])
def test_an_action_is_not_overdue_on_or_before_its_due_date(today: date) -> None:
    assert actions.mark_overdue(tracked(track_action()), today) == []


def test_an_action_is_marked_overdue_exactly_once() -> None:
    history: list[EventContract] = list(tracked(track_action()))
    first = actions.mark_overdue(history, DUE + timedelta(days=1))
    assert len(first) == 1
    history += first
    for later in (DUE + timedelta(days=1), DUE + timedelta(days=2), DUE + timedelta(days=40)):
        assert actions.mark_overdue(history, later) == []


def test_an_action_never_tracked_is_never_overdue() -> None:
    assert actions.mark_overdue([], DUE + timedelta(days=10)) == []


def test_a_child_of_concern_starts_tracking_once() -> None:
    command = TrackChildOfConcern(
        concern_id=uuid.uuid4(), audit_id=uuid.uuid4(), month="2025-03",
        child_ref="CR-00123", case_team="east-1", category=2, raised_at=RAISED,
    )
    first = concerns.start_tracking([], command)
    assert first == [
        ChildOfConcernTrackingStarted(
            concern_id=command.concern_id, audit_id=command.audit_id, month="2025-03",
            child_ref="CR-00123", case_team="east-1", category=2, raised_at=RAISED,
        )
    ]
    assert concerns.start_tracking(first, command) == []

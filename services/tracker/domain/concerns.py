"""A child of concern raised by an audit: on the tracker once, from the first sighting."""

from __future__ import annotations

from collections.abc import Sequence

from services.tracker.domain.commands import TrackChildOfConcern
from shared.contracts import EventContract
from shared.events.tracker import ChildOfConcernTrackingStarted


def start_tracking(
    history: Sequence[EventContract], command: TrackChildOfConcern
) -> list[EventContract]:
    # Duplicates change nothing rather than fail, so a redelivery is never dead-lettered.
    if any(isinstance(event, ChildOfConcernTrackingStarted) for event in history):
        return []
    return [
        ChildOfConcernTrackingStarted(
            concern_id=command.concern_id, audit_id=command.audit_id, month=command.month,
            child_ref=command.child_ref, case_team=command.case_team,
            category=command.category, raised_at=command.raised_at,
        )
    ]

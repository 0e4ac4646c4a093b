"""A child of concern raised by an audit: on the tracker once, from the first sighting."""

from __future__ import annotations

from collections.abc import Sequence

from services.tracker.domain.commands import TrackChildOfConcern
from services.tracker.domain.events import ChildOfConcernTrackingStarted
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider

Concern = ChildOfConcernTrackingStarted | None


def evolve(state: Concern, event: EventContract) -> Concern:
    return event if isinstance(event, ChildOfConcernTrackingStarted) else state


def decide(command: TrackChildOfConcern, state: Concern) -> Sequence[EventContract]:
    # Duplicates change nothing rather than fail, so a redelivery is never dead-lettered.
    if state is not None:
        return []
    return [
        ChildOfConcernTrackingStarted(
            concern_id=command.concern_id, audit_id=command.audit_id, month=command.month,
            child_ref=command.child_ref, case_team=command.case_team,
            category=command.category, raised_at=command.raised_at,
        )
    ]


CONCERN: Decider[TrackChildOfConcern, Concern] = Decider("concern", None, evolve, decide)

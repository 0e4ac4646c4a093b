"""A child of concern raised by an audit: on the tracker once, from the first sighting."""

from __future__ import annotations

from services.tracker.domain.commands import TrackChildOfConcern
from services.tracker.domain.events import ChildOfConcernTrackingStarted
from shared.kernel.contracts import carried
from shared.kernel.decider import Decider, keep_only, once

Concern = ChildOfConcernTrackingStarted | None


def tracking_started(command: TrackChildOfConcern) -> ChildOfConcernTrackingStarted:
    return carried(ChildOfConcernTrackingStarted, command.raised, raised_at=command.raised_at)


CONCERN: Decider[TrackChildOfConcern, Concern] = Decider(
    "concern", None, keep_only(ChildOfConcernTrackingStarted),
    once(lambda concern: concern, tracking_started))

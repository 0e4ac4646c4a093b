"""When an audit raises an action or a Child of Concern, the tracker starts tracking it."""

from __future__ import annotations

from services.tracker.domain.actions import ACTION
from services.tracker.domain.commands import TrackAction, TrackChildOfConcern
from services.tracker.domain.concerns import CONCERN
from services.tracker.domain.streams import action_stream, concern_stream
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.kit.unit_of_work import UnitOfWork


async def when_action_raised(event: ActionRaised, unit: UnitOfWork) -> None:
    await unit.execute(ACTION, action_stream(event.action_id), TrackAction(event))


async def when_child_of_concern_raised(event: ChildOfConcernRaised, unit: UnitOfWork) -> None:
    # On the tracker from when the audit raised it, not from when this reaction ran.
    raised_at = unit.cause.occurred_at if unit.cause is not None else unit.now
    await unit.execute(CONCERN, concern_stream(event.concern_id),
                       TrackChildOfConcern(event, raised_at))

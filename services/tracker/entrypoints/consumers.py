"""What the tracker takes from other services' topics: audit outcomes to track."""

from __future__ import annotations

from services.tracker.application import start_action_tracking, start_concern_tracking
from services.tracker.domain.commands import TrackAction, TrackChildOfConcern
from shared.actor import SystemProcess
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.messaging.inbox import Delivery
from shared.service.runtime import Runtime, Subscription

TRACKER = SystemProcess(name="tracker")


def subscriptions(runtime: Runtime) -> list[Subscription]:
    async def action_raised(delivery: Delivery) -> None:
        event = delivery.event
        if not isinstance(event, ActionRaised):
            raise TypeError(f"expected ActionRaised, got {type(event).__name__}")
        command = TrackAction(
            action_id=event.action_id, audit_id=event.audit_id, month=event.month,
            child_ref=event.child_ref, case_team=event.case_team, owner_id=event.owner_id,
            due_date=event.due_date,
        )
        await start_action_tracking.handle(command, unit=runtime.unit_for(delivery, TRACKER))

    async def child_of_concern_raised(delivery: Delivery) -> None:
        event = delivery.event
        if not isinstance(event, ChildOfConcernRaised):
            raise TypeError(f"expected ChildOfConcernRaised, got {type(event).__name__}")
        command = TrackChildOfConcern(
            concern_id=event.concern_id, audit_id=event.audit_id, month=event.month,
            child_ref=event.child_ref, case_team=event.case_team, category=event.category,
            raised_at=delivery.envelope.occurred_at,
        )
        await start_concern_tracking.handle(command, unit=runtime.unit_for(delivery, TRACKER))

    return [
        Subscription(
            name="audit-outcomes",
            sources=["audit"],
            handlers={
                "ActionRaised": action_raised,
                "ChildOfConcernRaised": child_of_concern_raised,
            },
        )
    ]

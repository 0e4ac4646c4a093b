"""What the tracker takes from other services' topics: audit outcomes to track."""

from __future__ import annotations

from services.tracker.application.start_tracking import (
    when_action_raised,
    when_child_of_concern_raised,
)
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.kernel.actor import SystemProcess
from shared.kit.subscriptions import Subscription

AUDIT_OUTCOMES = (
    Subscription("audit-outcomes", sources=("audit",), actor=SystemProcess(name="tracker"))
    .when(ActionRaised, when_action_raised)
    .when(ChildOfConcernRaised, when_child_of_concern_raised)
)

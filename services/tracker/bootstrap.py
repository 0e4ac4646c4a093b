"""The one place the tracker service is wired together."""

from __future__ import annotations

from services.tracker.adapters.read_models import project
from services.tracker.entrypoints.consumers import subscriptions
from services.tracker.entrypoints.http import router
from services.tracker.entrypoints.overdue_scan import overdue_scan
from shared.events import tracker as tracker_events
from shared.service.runtime import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="tracker",
        publishes=tracker_events.CONTRACTS,
        description="Tracks the actions and children of concern that audits raise, "
        "and flags each action once when it passes its due date.",
        migrations_package="services.tracker.adapters.migrations",
        routers=[router],
        projector=project,
        subscriptions=subscriptions,
        background=[overdue_scan],
    )

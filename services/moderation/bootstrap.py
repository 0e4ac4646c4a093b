"""The one place the moderation service is wired together."""

from __future__ import annotations

from services.moderation.adapters.read_models import project
from services.moderation.entrypoints.consumers import subscriptions
from services.moderation.entrypoints.http import router
from shared.events import moderation as moderation_events
from shared.service.runtime import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="moderation",
        publishes=moderation_events.CONTRACTS,
        description="Queues every submitted audit for moderation, where someone other than "
        "its auditor agrees its grade or changes it with a rationale.",
        migrations_package="services.moderation.adapters.migrations",
        routers=[router],
        projector=project,
        subscriptions=subscriptions,
    )

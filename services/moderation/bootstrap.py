"""The one place the moderation service is wired together."""

from __future__ import annotations

from services.moderation.adapters.read_models import PROJECTION, PostgresModerationQueries
from services.moderation.application.queries import ModerationQueries
from services.moderation.domain.events import REGISTRY
from services.moderation.entrypoints.http import router
from services.moderation.entrypoints.subscriptions import AUDITS
from shared.events import moderation as published
from shared.host.definition import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        "moderation", REGISTRY, published.CONTRACTS, "services.moderation.adapters.migrations",
        description="Queues every submitted audit for moderation, where someone other than "
        "its auditor agrees its grade or changes it with a rationale.",
        routers=[router], projections=[PROJECTION], subscriptions=[AUDITS],
        queries={ModerationQueries: PostgresModerationQueries})

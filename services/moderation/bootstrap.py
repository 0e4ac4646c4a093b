"""The one place the moderation service is wired together."""

from __future__ import annotations

from services.moderation.adapters.queries import PostgresModerationQueries
from services.moderation.adapters.read_models import PROJECTION
from services.moderation.application.queries import ModerationQueries
from services.moderation.domain.events import REGISTRY
from services.moderation.entrypoints import http, oversight_http
from services.moderation.entrypoints.subscriptions import ALLOCATIONS, AUDITS
from shared.events import moderation as published
from shared.host.definition import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        "moderation", REGISTRY, published.CONTRACTS, "services.moderation.adapters.migrations",
        description="Samples submitted audits under each service area's policy, assigns each "
        "sampled audit to a moderator from the pool, and records the outcome: agreed, grades "
        "changed (each with a rationale) or returned below standard; with calibration "
        "statistics and challenges to a Child of Concern's category.",
        routers=[http.router, oversight_http.router], projections=[PROJECTION],
        subscriptions=[AUDITS, ALLOCATIONS],
        queries={ModerationQueries: PostgresModerationQueries})

"""The one place the reporting service is wired together."""

from __future__ import annotations

from services.reporting.adapters.read_models import HANDLERS, project
from services.reporting.entrypoints.http import router
from shared.service.runtime import ServiceDefinition, Subscription


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="reporting",
        description="Keeps read models of every other service's events and answers, for a "
        "month and service area, how audits, moderation, Children of Concern and actions "
        "stand.",
        migrations_package="services.reporting.adapters.migrations",
        routers=[router],
        projector=project,
        subscriptions=lambda _: [
            Subscription(
                name="read-models",
                sources=["allocation", "audit", "moderation", "tracker"],
                handlers=HANDLERS,
            )
        ],
    )

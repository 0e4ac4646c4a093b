"""The one place the allocation service is wired together."""

from __future__ import annotations

from services.allocation.adapters.read_models import project
from services.allocation.entrypoints.http import router
from shared.events import allocation as allocation_events
from shared.service.runtime import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="allocation",
        publishes=allocation_events.CONTRACTS,
        description="Opens monthly audit cycles, keeps the case register and auditor pool, "
        "and allocates each selected case to an auditor from another team.",
        migrations_package="services.allocation.adapters.migrations",
        routers=[router],
        projector=project,
    )

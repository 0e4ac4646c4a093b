"""The one place the allocation service is wired together."""

from __future__ import annotations

from services.allocation.adapters.read_models import PROJECTION, PostgresAllocationQueries
from services.allocation.application.queries import AllocationQueries
from services.allocation.domain.events import REGISTRY
from services.allocation.entrypoints.http import router
from shared.events import allocation as published
from shared.host.definition import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        "allocation", REGISTRY, published.CONTRACTS, "services.allocation.adapters.migrations",
        description="Opens monthly audit cycles, keeps the case register and auditor pool, "
        "and allocates each selected case to an auditor from another team.",
        routers=[router], projections=[PROJECTION],
        queries={AllocationQueries: PostgresAllocationQueries})

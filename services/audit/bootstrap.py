"""The one place the audit service is wired together."""

from __future__ import annotations

from services.audit.adapters.read_models import PROJECTION, PostgresAuditQueries
from services.audit.application.queries import AuditQueries
from services.audit.domain.events import REGISTRY
from services.audit.entrypoints.http import router
from services.audit.entrypoints.subscriptions import ALLOCATIONS
from shared.events import audit as published
from shared.host.definition import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        "audit", REGISTRY, published.CONTRACTS, "services.audit.adapters.migrations",
        description="Makes each allocated case's audit available to its auditor, and takes "
        "the auditor's submission: the overall grade, an action and any Child of Concern.",
        routers=[router], projections=[PROJECTION], subscriptions=[ALLOCATIONS],
        queries={AuditQueries: PostgresAuditQueries})

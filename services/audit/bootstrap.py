"""The one place the audit service is wired together."""

from __future__ import annotations

from services.audit.adapters.read_models import project
from services.audit.entrypoints.events import subscriptions
from services.audit.entrypoints.http import router
from shared.events import audit as audit_events
from shared.service.runtime import ServiceDefinition


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="audit",
        publishes=audit_events.CONTRACTS,
        description="Makes each allocated case's audit available to its auditor, and takes "
        "the auditor's submission: the overall grade, an action and any Child of Concern.",
        migrations_package="services.audit.adapters.migrations",
        routers=[router],
        projector=project,
        # Handed the running Runtime, so the handlers can open units of work in it.
        subscriptions=subscriptions,
    )

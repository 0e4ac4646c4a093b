"""The one place the reporting service is wired together."""

from __future__ import annotations

from services.reporting.adapters.read_models import PROJECTION, PostgresMonthlyRows
from services.reporting.application.monthly_report import MonthlyRows
from services.reporting.entrypoints.http import router
from shared.events import REGISTRY
from shared.host.definition import ServiceDefinition
from shared.kit.subscriptions import Subscription

# Every other service's topic feeds the monthly read models.
READ_MODELS = Subscription(
    "read-models", sources=("allocation", "audit", "moderation", "tracker"),
    projection=PROJECTION,
)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        "reporting", REGISTRY, [], "services.reporting.adapters.migrations",
        description="Keeps read models of every other service's events and answers, for a "
        "month and service area, how audits, moderation, Children of Concern and actions "
        "stand.",
        routers=[router], subscriptions=[READ_MODELS], queries={MonthlyRows: PostgresMonthlyRows})

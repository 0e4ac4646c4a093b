"""The one place the reporting service is wired together."""

from __future__ import annotations

from services.reporting.adapters.event_log import FACTS
from services.reporting.adapters.evidence import PostgresEvidenceLog
from services.reporting.adapters.rebuild import PostgresReadModels
from services.reporting.adapters.records import PostgresReportRecords
from services.reporting.application.evidence import EvidenceLog
from services.reporting.application.queries import ReportRecords
from services.reporting.application.read_models import ReadModels
from services.reporting.entrypoints.http import router
from shared.events import REGISTRY
from shared.events import reporting as published
from shared.host.definition import ServiceDefinition
from shared.kit.subscriptions import Subscription

# Every other service's topic is logged and folded into the read models. The group is
# new with the event log (0102): it reads each topic from its first offset.
FACTS_SUBSCRIPTION = Subscription(
    "facts", sources=("allocation", "audit", "moderation", "tracker"), projection=FACTS)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        "reporting", REGISTRY, published.CONTRACTS, "services.reporting.adapters.migrations",
        description="Keeps its own copy of every other service's events and answers the "
        "monthly QA report (Gloucestershire's five questions) for a service area or the "
        "whole partnership, now or as it stood at an earlier instant; its read models can "
        "be rebuilt from that copy while the old ones keep answering.",
        routers=[router], subscriptions=[FACTS_SUBSCRIPTION],
        queries={ReportRecords: PostgresReportRecords, ReadModels: PostgresReadModels,
                 EvidenceLog: PostgresEvidenceLog})

"""The one place the tracker service is wired together."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.tracker.adapters.read_models import PROJECTION, PostgresTrackerQueries
from services.tracker.application.queries import TrackerQueries
from services.tracker.domain.events import REGISTRY
from services.tracker.entrypoints.http import router
from services.tracker.entrypoints.overdue_scan import overdue_scan
from services.tracker.entrypoints.subscriptions import AUDIT_OUTCOMES
from shared.events import tracker as published
from shared.host.definition import ServiceDefinition


class TrackerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACKER_", extra="ignore")

    # Seconds between overdue scans; an action is flagged within this long of its day passing.
    scan_interval: float = Field(default=1.0, gt=0)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        "tracker", REGISTRY, published.CONTRACTS, "services.tracker.adapters.migrations",
        description="Tracks the actions and children of concern that audits raise, "
        "and flags each action once when it passes its due date.",
        routers=[router], projections=[PROJECTION], subscriptions=[AUDIT_OUTCOMES],
        queries={TrackerQueries: PostgresTrackerQueries},
        jobs=[overdue_scan(TrackerSettings().scan_interval)])

"""The one place the allocation service is wired together."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.allocation.adapters.audit_outcomes import OUTCOMES
from services.allocation.adapters.queries import PostgresAllocationQueries, PostgresDirectory
from services.allocation.adapters.read_models import PROJECTION
from services.allocation.application.queries import AllocationQueries, AuthorityPolicy, Directory
from services.allocation.domain.events import REGISTRY
from services.allocation.entrypoints import directory_http, exemptions_http, http
from services.allocation.entrypoints.closing import scheduled_close
from services.allocation.entrypoints.subscriptions import RETURNS
from shared.events import allocation as published
from shared.host.definition import ServiceDefinition


class AllocationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALLOCATION_", extra="ignore")

    # May an auditor audit their own team's cases? Bradford: never; Gloucestershire's
    # managers mostly audit in their own areas. Recorded on each cycle at its opening.
    own_team_audits: Literal["forbidden", "allowed"] = "forbidden"
    # Seconds between passes of the job closing cycles whose deadline has passed.
    close_interval: float = Field(default=300.0, gt=0)


def definition() -> ServiceDefinition:
    settings = AllocationSettings()
    policy = AuthorityPolicy(settings.own_team_audits)
    return ServiceDefinition(
        "allocation", REGISTRY, published.CONTRACTS, "services.allocation.adapters.migrations",
        description="Keeps the staff directory and the case register, opens each month's "
        "cycle and draws its cases, allocates each to an eligible auditor, records "
        "exemptions, returns and nil returns, and answers the completion figures.",
        routers=[directory_http.router, http.router, exemptions_http.router],
        projections=[PROJECTION], subscriptions=[replace(RETURNS, projection=OUTCOMES)],
        queries={AllocationQueries: PostgresAllocationQueries, Directory: PostgresDirectory,
                 AuthorityPolicy: lambda _: policy},
        jobs=[scheduled_close(settings.close_interval)])

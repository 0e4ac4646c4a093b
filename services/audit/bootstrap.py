"""The one place the audit service is wired together: its audit tools are loaded here, at
start-up, and a bad tool file stops it with the file and field named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

from services.audit.adapters.queries import PostgresAuditQueries
from services.audit.adapters.read_models import PROJECTION
from services.audit.adapters.tool_files import load_catalogue
from services.audit.application.queries import AuditQueries
from services.audit.domain.events import REGISTRY
from services.audit.domain.tools import ToolCatalogue
from services.audit.entrypoints import http, record_summary, tools_http
from services.audit.entrypoints.subscriptions import MODERATIONS, allocations
from shared.events import audit as published
from shared.host.definition import ServiceDefinition


class AuditSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="ignore")

    # A council's own tool files (<tool-id>.v<version>.yaml), loaded after the shipped ones.
    tools_dir: Path | None = None


def definition(tools: ToolCatalogue | None = None) -> ServiceDefinition:
    catalogue = tools or load_catalogue(AuditSettings().tools_dir)

    def provide_tools(_: Any) -> ToolCatalogue:
        return catalogue

    return ServiceDefinition(
        "audit", REGISTRY, published.CONTRACTS, "services.audit.adapters.migrations",
        description="Makes each allocated case's audit available to its auditor on its "
        "audit tool; takes drafts and the submission (element and overall grades, answers, "
        "findings, learning themes, engagement, actions, any Child of Concern); follows "
        "moderation (grades changed, returned for rework) and the cycle's close to the "
        "final audit and its summary for the child's record.",
        routers=[http.router, tools_http.router, record_summary.router],
        projections=[PROJECTION], subscriptions=[allocations(catalogue), MODERATIONS],
        queries={AuditQueries: PostgresAuditQueries, ToolCatalogue: provide_tools})

"""The audit tools loaded here, for a form (or `qa audit-template`) to be built from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.audit.domain.tools import AuditTool
from services.audit.entrypoints.http import ToolsDep
from shared.http.problems import problems
from shared.kernel.errors import NotFound
from shared.kernel.identifiers import SLUG_PATTERN

router = APIRouter(tags=["audit tools"])


@router.get("/tools")
async def list_tools(
    tools: ToolsDep, service_area: Annotated[str | None, Query(pattern=SLUG_PATTERN)] = None,
) -> list[dict[str, Any]]:
    """Every loaded version of every tool (for a service area: the tools written for it)."""
    latest = {tool.id: tool.version for tool in tools.all()}
    return [{"id": tool.id, "version": tool.version, "title": tool.title,
             "scale": tool.scale.value, "service_areas": tool.service_areas,
             "elements": len(tool.elements), "questions": len(tool.questions),
             "latest": latest[tool.id] == tool.version}
            for tool in tools.all()
            if service_area is None or not tool.service_areas
            or service_area in tool.service_areas]


@router.get("/tools/{tool_id}", responses=problems(404))
async def latest_tool(tool_id: str, tools: ToolsDep) -> AuditTool:
    """The latest version of a tool: what a newly assigned audit is done on."""
    tool = tools.latest(tool_id)
    if tool is None:
        raise NotFound(f"no tool {tool_id!r} is loaded here")
    return tool


@router.get("/tools/{tool_id}/versions/{version}", responses=problems(404))
async def tool_version(tool_id: str, version: int, tools: ToolsDep) -> AuditTool:
    """One version of a tool: what an audit pinned to it is checked against."""
    tool = tools.get(tool_id, version)
    if tool is None:
        raise NotFound(f"no tool {tool_id!r} version {version} is loaded here")
    return tool

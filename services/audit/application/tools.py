"""Which loaded tool version an audit is done on."""

from __future__ import annotations

from services.audit.domain.state import Audit
from services.audit.domain.tools import AuditTool, ToolCatalogue


def tool_of(state: Audit, tools: ToolCatalogue) -> AuditTool | None:
    """The version the audit is pinned to; the latest of its tool if not pinned yet.
    None when that is not loaded (the domain refuses, saying so)."""
    assigned = state.assigned
    if assigned is None:
        return None
    if state.tool_version is not None:
        return tools.get(assigned.audit_tool, state.tool_version)
    return tools.latest(assigned.audit_tool)

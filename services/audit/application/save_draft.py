"""The auditor saves part of their audit, to resume it later."""

from __future__ import annotations

import uuid
from dataclasses import replace

from pydantic import BaseModel

from services.audit.application.tools import tool_of
from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import SaveDraft
from services.audit.domain.content import Draft
from services.audit.domain.streams import audit_stream
from services.audit.domain.tools import ToolCatalogue
from shared.kit.unit_of_work import UnitOfWork


class SavedDraft(BaseModel):
    audit_id: uuid.UUID
    changed: list[str]  # the fields this save changed
    draft: Draft  # the whole draft as it now stands


async def handle(command: SaveDraft, tools: ToolCatalogue, unit: UnitOfWork) -> SavedDraft:
    stream = audit_stream(command.audit_id)
    state = await unit.state(AUDIT, stream)
    await unit.execute(AUDIT, stream, replace(command, tool=tool_of(state, tools)))
    after = await unit.state(AUDIT, stream)
    return SavedDraft(audit_id=command.audit_id,
                      changed=sorted(command.draft.model_fields_set), draft=after.draft)

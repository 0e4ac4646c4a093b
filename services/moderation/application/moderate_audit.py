from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel

from services.moderation.domain.commands import ModerateAudit
from services.moderation.domain.moderation import MODERATION
from services.moderation.domain.streams import moderation_stream
from shared.events.common import Grade
from shared.events.moderation import AuditModerated
from shared.kit.unit_of_work import UnitOfWork


class ModeratedAudit(BaseModel):
    audit_id: uuid.UUID
    outcome: Literal["agreed", "grades-changed", "below-standard"]
    original_grade: Grade
    moderated_grade: Grade


async def handle(command: ModerateAudit, unit: UnitOfWork) -> ModeratedAudit:
    events = await unit.execute(MODERATION, moderation_stream(command.audit_id), command)
    moderated = next(e for e in events if isinstance(e, AuditModerated))
    return ModeratedAudit(audit_id=moderated.audit_id, outcome=moderated.outcome,
                          original_grade=moderated.original_grade,
                          moderated_grade=moderated.moderated_grade)

"""Recording a moderation's outcome; the audit leaves its moderator's workload."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from services.moderation.domain.commands import ModerateAudit, Outcome, ReleaseModeration
from services.moderation.domain.moderation import MODERATION
from services.moderation.domain.pool import POOL
from services.moderation.domain.streams import moderation_stream, pool_stream
from shared.events.common import Grade
from shared.events.moderation import (
    AuditModerated,
    ChildOfConcernDecided,
    ConcernReviewRequested,
    GradeChanged,
)
from shared.kit.unit_of_work import UnitOfWork


class ChangedGrade(BaseModel):
    element: str
    from_grade: Grade
    to_grade: Grade


class ModeratedAudit(BaseModel):
    audit_id: uuid.UUID
    outcome: Outcome
    submission: int
    moderator_id: str
    original_grade: Grade
    moderated_grade: Grade
    changes: list[ChangedGrade] = []
    returned_for_rework: bool = False
    child_of_concern_decided: bool = False
    concern_review_requested: bool = False


async def handle(command: ModerateAudit, unit: UnitOfWork) -> ModeratedAudit:
    events = await unit.execute(MODERATION, moderation_stream(command.audit_id), command)
    await unit.execute(POOL, pool_stream(unit.metadata.service_area),
                       ReleaseModeration(command.audit_id))
    moderated = next(e for e in events if isinstance(e, AuditModerated))
    return ModeratedAudit(
        audit_id=moderated.audit_id, outcome=moderated.outcome,
        submission=moderated.submission, moderator_id=moderated.moderator_id,
        original_grade=moderated.original_grade, moderated_grade=moderated.moderated_grade,
        changes=[ChangedGrade(element=e.element, from_grade=e.from_grade, to_grade=e.to_grade)
                 for e in events if isinstance(e, GradeChanged)],
        returned_for_rework=moderated.outcome == "below-standard",
        child_of_concern_decided=any(isinstance(e, ChildOfConcernDecided) for e in events),
        concern_review_requested=any(isinstance(e, ConcernReviewRequested) for e in events))

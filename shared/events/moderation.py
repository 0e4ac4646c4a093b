from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field

from shared.contracts import EventContract
from shared.events.common import Grade, Month, PersonId


class AuditQueuedForModeration(EventContract):
    type_name = "AuditQueuedForModeration"
    audit_id: uuid.UUID
    month: Month
    auditor_id: PersonId
    submitted_grade: Grade


class AuditModerated(EventContract):
    type_name = "AuditModerated"
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    outcome: Literal["agreed", "grade-changed"]
    original_grade: Grade
    moderated_grade: Grade
    rationale: Annotated[str, Field(max_length=4000)] = ""


class GradeChanged(EventContract):
    type_name = "GradeChanged"
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    from_grade: Grade
    to_grade: Grade
    rationale: Annotated[str, Field(min_length=1, max_length=4000)]


CONTRACTS: list[type[EventContract]] = [AuditQueuedForModeration, AuditModerated, GradeChanged]

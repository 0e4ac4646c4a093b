"""The moderation service's internal events: they stay in its store."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import Field

from shared.events import service_registry
from shared.events.common import Grade, Month, PersonId
from shared.kernel.contracts import EventContract


class AuditQueuedForModeration(EventContract):
    type_name = "AuditQueuedForModeration"
    audit_id: uuid.UUID
    month: Month
    auditor_id: PersonId
    submitted_grade: Grade


class GradeChanged(EventContract):
    type_name = "GradeChanged"
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    from_grade: Grade
    to_grade: Grade
    rationale: Annotated[str, Field(min_length=1, max_length=4000)]


INTERNAL: list[type[EventContract]] = [AuditQueuedForModeration, GradeChanged]
REGISTRY = service_registry(*INTERNAL)

"""What the moderation service publishes."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field

from shared.events.common import Grade, Month, PersonId
from shared.kernel.contracts import EventContract


class AuditModerated(EventContract):
    type_name = "AuditModerated"
    audit_id: uuid.UUID
    month: Month
    moderator_id: PersonId
    outcome: Literal["agreed", "grade-changed"]
    original_grade: Grade
    moderated_grade: Grade
    rationale: Annotated[str, Field(max_length=4000)] = ""


CONTRACTS: list[type[EventContract]] = [AuditModerated]

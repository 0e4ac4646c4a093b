"""What the audit service is asked to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from shared.events.allocation import CaseAllocated
from shared.events.common import Grade


@dataclass(frozen=True)
class AssignAudit:
    audit_id: uuid.UUID
    allocation: CaseAllocated


@dataclass(frozen=True)
class RaiseAction:
    action_id: uuid.UUID
    description: str
    owner_id: str
    due_date: date


@dataclass(frozen=True)
class RaiseChildOfConcern:
    concern_id: uuid.UUID
    category: Literal[1, 2]
    reason: str


@dataclass(frozen=True)
class SubmitAudit:
    audit_id: uuid.UUID
    submitted_by: str
    overall_grade: Grade
    action: RaiseAction
    child_of_concern: RaiseChildOfConcern | None = None
    # When it was submitted; the use case fills it from the clock, never the domain.
    submitted_at: datetime | None = None


AuditCommand = AssignAudit | SubmitAudit

"""What the audit service is asked to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from shared.events.common import Grade, LegalStatus


@dataclass(frozen=True)
class AssignAudit:
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: str
    return_deadline: date
    case_id: uuid.UUID
    child_ref: str
    legal_status: LegalStatus
    case_team: str
    auditor_id: str


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

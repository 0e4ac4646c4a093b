"""What the audit service publishes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared.events.common import ChildRef, Grade, LegalStatus, Month, PersonId, Team
from shared.kernel.contracts import EventContract, PersonalData


class AuditSubmitted(EventContract):
    type_name = "AuditSubmitted"
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId
    overall_grade: Grade
    late: bool


class ActionRaised(EventContract):
    type_name = "ActionRaised"
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    # Free text written about a child's case may name people: treat it as personal data.
    description: Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]
    owner_id: PersonId
    due_date: date


class ChildOfConcernRaised(EventContract):
    type_name = "ChildOfConcernRaised"
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]
    reason: Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]


CONTRACTS: list[type[EventContract]] = [AuditSubmitted, ActionRaised, ChildOfConcernRaised]

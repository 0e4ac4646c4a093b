from __future__ import annotations

import uuid
from datetime import date

from shared.contracts import EventContract
from shared.events.common import ChildRef, LegalStatus, Month, PersonId, Team


class AuditCycleOpened(EventContract):
    type_name = "AuditCycleOpened"
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date


class CaseRegistered(EventContract):
    type_name = "CaseRegistered"
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    team: Team


class AuditorRegistered(EventContract):
    type_name = "AuditorRegistered"
    auditor_id: PersonId
    team: Team


class CaseAllocated(EventContract):
    """Carries what the other services need to know of the case and the auditor."""

    type_name = "CaseAllocated"
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId
    auditor_team: Team


CONTRACTS: list[type[EventContract]] = [
    AuditCycleOpened,
    CaseRegistered,
    AuditorRegistered,
    CaseAllocated,
]

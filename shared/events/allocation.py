"""What the allocation service publishes."""

from __future__ import annotations

import uuid
from datetime import date

from shared.events.common import ChildRef, LegalStatus, Month, PersonId, Team
from shared.kernel.contracts import EventContract


class AuditCycleOpened(EventContract):
    """A month's audit cycle is open for a service area: reports know the month exists."""

    type_name = "AuditCycleOpened"
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date


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


CONTRACTS: list[type[EventContract]] = [AuditCycleOpened, CaseAllocated]

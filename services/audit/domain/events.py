"""The audit service's internal events: they stay in its store."""

from __future__ import annotations

import uuid
from datetime import date

from shared.events import service_registry
from shared.events.common import ChildRef, LegalStatus, Month, PersonId, Team
from shared.kernel.contracts import EventContract


class AuditAssigned(EventContract):
    """The audit service has made an allocated case's audit available to its auditor."""

    type_name = "AuditAssigned"
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId


INTERNAL: list[type[EventContract]] = [AuditAssigned]
REGISTRY = service_registry(*INTERNAL)

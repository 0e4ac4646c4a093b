"""The allocation service's internal events: they stay in its store."""

from __future__ import annotations

import uuid

from shared.events import service_registry
from shared.events.common import ChildRef, LegalStatus, PersonId, Team
from shared.kernel.contracts import EventContract


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


INTERNAL: list[type[EventContract]] = [CaseRegistered, AuditorRegistered]
REGISTRY = service_registry(*INTERNAL)

"""The moderation service's internal events: they stay in its store."""

from __future__ import annotations

import uuid

from shared.events import service_registry
from shared.events.common import Grade, Month, PersonId
from shared.kernel.contracts import EventContract


class AuditQueuedForModeration(EventContract):
    type_name = "AuditQueuedForModeration"
    audit_id: uuid.UUID
    month: Month
    auditor_id: PersonId
    submitted_grade: Grade


INTERNAL: list[type[EventContract]] = [AuditQueuedForModeration]
REGISTRY = service_registry(*INTERNAL)

"""What the tracker service publishes."""

from __future__ import annotations

import uuid
from datetime import date

from shared.events.common import Month, PersonId
from shared.kernel.contracts import EventContract


class ActionOverdue(EventContract):
    """Emitted once per action, the first time the tracker sees it past its due date."""

    type_name = "ActionOverdue"
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    owner_id: PersonId
    due_date: date
    detected_on: date


CONTRACTS: list[type[EventContract]] = [ActionOverdue]

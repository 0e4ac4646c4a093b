from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from shared.contracts import EventContract
from shared.events.common import ChildRef, Month, PersonId, Team


class ActionTrackingStarted(EventContract):
    type_name = "ActionTrackingStarted"
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    owner_id: PersonId
    due_date: date


class ChildOfConcernTrackingStarted(EventContract):
    type_name = "ChildOfConcernTrackingStarted"
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]


class ActionOverdue(EventContract):
    """Emitted once per action, the first time the tracker sees it past its due date."""

    type_name = "ActionOverdue"
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    owner_id: PersonId
    due_date: date
    detected_on: date


CONTRACTS: list[type[EventContract]] = [
    ActionTrackingStarted,
    ChildOfConcernTrackingStarted,
    ActionOverdue,
]

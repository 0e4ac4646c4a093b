from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import AwareDatetime

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


class ChildOfConcernTrackingStartedV1(EventContract):
    type_name = "ChildOfConcernTrackingStarted"
    schema_version = 1
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]


class ChildOfConcernTrackingStarted(EventContract):
    """v2: when the audit raised the concern, so "how long on the tracker" counts from
    then, not from whenever the tracker got round to it (lag, replays)."""

    type_name = "ChildOfConcernTrackingStarted"
    schema_version = 2
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]
    raised_at: AwareDatetime | None = None  # None: recorded by v1, raised time not kept


def upcast_concern_tracking_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "raised_at": None}


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
    ChildOfConcernTrackingStartedV1,
    ChildOfConcernTrackingStarted,
    ActionOverdue,
]

"""What the tracker is asked to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal


@dataclass(frozen=True)
class TrackAction:
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: str
    child_ref: str
    case_team: str
    owner_id: str
    due_date: date


@dataclass(frozen=True)
class MarkActionOverdue:
    action_id: uuid.UUID
    # London calendar day of the scan: the caller reads the clock, the domain never does.
    today: date


@dataclass(frozen=True)
class TrackChildOfConcern:
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: str
    child_ref: str
    case_team: str
    category: Literal[1, 2]
    raised_at: datetime


ActionCommand = TrackAction | MarkActionOverdue

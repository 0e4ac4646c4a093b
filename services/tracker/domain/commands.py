"""What the tracker is asked to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from shared.events.audit import ActionRaised, ChildOfConcernRaised


@dataclass(frozen=True)
class TrackAction:
    raised: ActionRaised


@dataclass(frozen=True)
class MarkActionOverdue:
    action_id: uuid.UUID
    # London calendar day of the scan: the caller reads the clock, the domain never does.
    today: date


@dataclass(frozen=True)
class TrackChildOfConcern:
    raised: ChildOfConcernRaised
    # When the audit raised it: the envelope's time, which the event itself does not carry.
    raised_at: datetime


ActionCommand = TrackAction | MarkActionOverdue

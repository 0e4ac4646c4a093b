"""What the tracker is asked to do (imperative), as plain values. The caller reads the
clock and the directory; the domain never does."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from services.tracker.domain.timescales import Escalation
from shared.events.audit import ActionRaised, ChildOfConcernRaised
from shared.events.common import Grade
from shared.events.moderation import ChildOfConcernCategoryRevised
from shared.events.vocabulary import Priority
from shared.kernel.actor import Person
from shared.kernel.clock import WorkingCalendar


@dataclass(frozen=True)
class TrackAction:
    raised: ActionRaised


@dataclass(frozen=True)
class RaiseAction:
    """An action raised by hand (a complaint, a supervision finding): no audit."""

    action_id: uuid.UUID
    month: str
    child_ref: str
    case_team: str
    description: str
    owner_id: str
    due_date: date
    priority: Priority
    by: Person


@dataclass(frozen=True)
class CheckAction:
    """The scan's look at one action: overdue once per due date, escalated once per point."""

    action_id: uuid.UUID
    today: date  # London calendar day of the scan
    escalation: Escalation


@dataclass(frozen=True)
class CompleteAction:
    action_id: uuid.UUID
    by: Person
    evidence: str
    evidence_link: str | None
    today: date


@dataclass(frozen=True)
class Oversee:
    """A manager's decision on an action: `owners_manager` is the owner's line manager as
    the staff directory knows it (None: unknown), looked up by the use case."""

    action_id: uuid.UUID
    by: Person
    owners_manager: str | None


@dataclass(frozen=True)
class VerifyAction(Oversee):
    today: date


@dataclass(frozen=True)
class ReopenAction(Oversee):
    reason: str


@dataclass(frozen=True)
class ExtendAction(Oversee):
    to_date: date
    reason: str
    today: date


@dataclass(frozen=True)
class ReassignAction(Oversee):
    to_owner_id: str
    reason: str


ActionCommand = (TrackAction | RaiseAction | CheckAction | CompleteAction | VerifyAction
                 | ReopenAction | ExtendAction | ReassignAction)


@dataclass(frozen=True)
class TrackChildOfConcern:
    raised: ChildOfConcernRaised
    # When the audit raised it: the envelope's time, which the event itself does not carry.
    raised_at: datetime
    calendar: WorkingCalendar


@dataclass(frozen=True)
class RecordResponse:
    concern_id: uuid.UUID
    by: Person
    response: str
    now: datetime
    calendar: WorkingCalendar


@dataclass(frozen=True)
class CheckConcern:
    """The same-day check: a Category 1 without a response by its day goes to the director."""

    concern_id: uuid.UUID
    today: date


@dataclass(frozen=True)
class ReviewConcern:
    concern_id: uuid.UUID
    audit_id: uuid.UUID


@dataclass(frozen=True)
class ApplyCategory:
    revised: ChildOfConcernCategoryRevised
    revised_at: datetime
    calendar: WorkingCalendar


@dataclass(frozen=True)
class CloseConcern:
    concern_id: uuid.UUID
    by: Person
    rationale: str
    today: date


ConcernCommand = (TrackChildOfConcern | RecordResponse | CheckConcern | ReviewConcern
                  | ApplyCategory | CloseConcern)


@dataclass(frozen=True)
class LinkConcern:
    audit_id: uuid.UUID
    concern_id: uuid.UUID
    raised_at: datetime


@dataclass(frozen=True)
class RequestReview:
    audit_id: uuid.UUID
    requested_at: datetime
    from_grade: Grade
    to_grade: Grade


AuditCommand = LinkConcern | RequestReview

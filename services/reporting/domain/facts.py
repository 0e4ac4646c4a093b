"""What reporting learns from: each wire event it received, with where it came from and
when it was recorded, filed under the one thing it is about (its subject).

Events about one subject come from up to three topics (an audit's from the audit and
moderation services), in no common order, so a subject's record is always folded from
all of its facts sorted the same way (`in_order`), never patched event by event: the
same facts give the same record whatever order they arrived in, live or rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from shared.events.allocation import (
    AuditCycleClosed,
    AuditCycleOpened,
    AuditorExempted,
    CaseAllocated,
    CaseReallocated,
    NilReturnRecorded,
    StaffMemberRecorded,
)
from shared.events.audit import (
    ActionRaised,
    AuditFinalised,
    AuditSubmitted,
    ChildOfConcernRaised,
)
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    ChildOfConcernCategoryRevised,
    ChildOfConcernDecided,
    ConcernReviewRequested,
    GradeChanged,
)
from shared.events.tracker import (
    ActionCompleted,
    ActionDueDateExtended,
    ActionEscalated,
    ActionOverdue,
    ActionReassigned,
    ActionReopened,
    ActionTrackingStarted,
    ActionVerified,
    ChildOfConcernCategoryApplied,
    ChildOfConcernClosed,
    ChildOfConcernEscalated,
    ChildOfConcernResponseRecorded,
    ChildOfConcernUnderReview,
)
from shared.kernel.clock import london_date
from shared.kernel.contracts import EventContract

# Every wire event reporting keeps, by the subject it is about.
CYCLE_EVENTS: tuple[type[EventContract], ...] = (
    AuditCycleOpened, AuditorExempted, AuditCycleClosed)
ALLOCATION_EVENTS: tuple[type[EventContract], ...] = (
    CaseAllocated, CaseReallocated, NilReturnRecorded)
AUDIT_EVENTS: tuple[type[EventContract], ...] = (
    AuditSubmitted, AuditSampled, AuditModerated, GradeChanged, AuditReturnedForRework,
    ChildOfConcernDecided, ConcernReviewRequested, AuditFinalised)
ACTION_EVENTS: tuple[type[EventContract], ...] = (
    ActionRaised, ActionTrackingStarted, ActionOverdue, ActionEscalated, ActionCompleted,
    ActionVerified, ActionReopened, ActionDueDateExtended, ActionReassigned)
CONCERN_EVENTS: tuple[type[EventContract], ...] = (
    ChildOfConcernRaised, ChildOfConcernCategoryRevised, ChildOfConcernResponseRecorded,
    ChildOfConcernEscalated, ChildOfConcernUnderReview, ChildOfConcernCategoryApplied,
    ChildOfConcernClosed)
STAFF_EVENTS: tuple[type[EventContract], ...] = (StaffMemberRecorded,)
KEPT: tuple[type[EventContract], ...] = (
    *CYCLE_EVENTS, *ALLOCATION_EVENTS, *AUDIT_EVENTS, *ACTION_EVENTS, *CONCERN_EVENTS,
    *STAFF_EVENTS)


def subject_of(event: EventContract, service_area: str) -> str:
    """The one subject an event is about: `kind:id`. Ids are the events' own uuids (or a
    staff id, which names a member of staff, never a child)."""
    match event:
        case AuditCycleOpened() | AuditorExempted() | AuditCycleClosed():
            return f"cycle:{event.cycle_id}"
        case CaseAllocated() | CaseReallocated() | NilReturnRecorded():
            return f"allocation:{event.allocation_id}"
        case ChildOfConcernRaised() | ChildOfConcernCategoryRevised():
            return f"concern:{event.concern_id}"
        case (ChildOfConcernResponseRecorded() | ChildOfConcernEscalated()
              | ChildOfConcernUnderReview() | ChildOfConcernCategoryApplied()
              | ChildOfConcernClosed()):
            return f"concern:{event.concern_id}"
        case _ if isinstance(event, ACTION_EVENTS):
            return f"action:{event.action_id}"  # type: ignore[attr-defined]
        case _ if isinstance(event, AUDIT_EVENTS):
            return f"audit:{event.audit_id}"  # type: ignore[attr-defined]
        case StaffMemberRecorded():
            return f"person:{service_area}:{event.person_id}"
    raise ValueError(f"reporting keeps no {event.type_name}")


def kind_of(subject: str) -> str:
    return subject.split(":", 1)[0]


@dataclass(frozen=True)
class Fact:
    """One received event: what it says, about which subject, recorded when and where."""

    subject: str
    service_area: str
    occurred_at: datetime
    stream_id: str
    stream_version: int
    event: EventContract
    event_id: str = ""
    actor: str = ""

    @property
    def on(self) -> date:
        """The London day it was recorded."""
        return london_date(self.occurred_at)


def in_order(facts: Iterable[Fact]) -> list[Fact]:
    """One order for a subject's facts however they arrived: by when they were recorded,
    then by stream and place in it (a stream's own order is authoritative)."""
    return sorted(facts, key=lambda f: (f.occurred_at, f.stream_id, f.stream_version))

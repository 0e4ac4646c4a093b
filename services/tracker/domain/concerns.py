"""A Child of Concern on the tracker: on it from when it was raised until signed off (a
Category 1 by a director, a Category 2 by a Head of Service). A Category 1 needs a Head of
Service response by the end of its working day, else it goes to the director, once.
Category revisions are applied and kept; a review request puts it up for review."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from services.tracker.domain.commands import (
    ApplyCategory,
    CheckConcern,
    CloseConcern,
    ConcernCommand,
    RecordResponse,
    ReviewConcern,
    TrackChildOfConcern,
)
from services.tracker.domain.events import (
    ChildOfConcernResponseDue,
    ChildOfConcernRevisionHeld,
    ChildOfConcernTrackingStarted,
)
from services.tracker.domain.rules import RESPONDING_ROLES, SAME_DAY_ROLES, SIGNING_OFF_ROLES
from services.tracker.domain.timescales import response_due_on
from shared.events.tracker import (
    ChildOfConcernCategoryApplied,
    ChildOfConcernClosed,
    ChildOfConcernEscalated,
    ChildOfConcernResponseRecorded,
    ChildOfConcernUnderReview,
)
from shared.kernel.clock import WorkingCalendar, london_date
from shared.kernel.contracts import EventContract, carried
from shared.kernel.decider import Decider, by_command
from shared.kernel.errors import Forbidden, NotFound, RuleBroken

Category = Literal[1, 2]
Decision = Literal["review", "head-of-service-response", "director-sign-off",
                   "head-of-service-sign-off"]


@dataclass(frozen=True)
class Concern:
    started: ChildOfConcernTrackingStarted | None = None
    category: Category | None = None  # as now stands, once tracked
    held: ChildOfConcernRevisionHeld | None = None  # a revision that came before the concern
    response_due: ChildOfConcernResponseDue | None = None  # a Category 1 awaiting response
    escalated: bool = False  # for the response now due
    responded: ChildOfConcernResponseRecorded | None = None  # the latest
    under_review: bool = False
    closed: ChildOfConcernClosed | None = None

    @property
    def next_decision(self) -> Decision | None:
        """Whose decision the child is waiting on, if still on the tracker."""
        if self.started is None or self.closed is not None:
            return None
        if self.under_review:
            return "review"
        if self.response_due is not None:
            return "head-of-service-response"
        return "director-sign-off" if self.category == 1 else "head-of-service-sign-off"


def _responded(state: Concern, event: ChildOfConcernResponseRecorded) -> Concern:
    same_day = event.role in SAME_DAY_ROLES
    return replace(state, responded=event, under_review=False,
                   response_due=None if same_day else state.response_due)


def _applied(state: Concern, event: ChildOfConcernCategoryApplied) -> Concern:
    return replace(state, category=event.to_category,
                   response_due=state.response_due if event.to_category == 1 else None)


EVOLVE: dict[type[EventContract], Callable[[Concern, Any], Concern]] = {
    ChildOfConcernTrackingStarted: lambda s, e: replace(s, started=e, category=e.category),
    ChildOfConcernRevisionHeld: lambda s, e: replace(s, held=e),
    ChildOfConcernResponseDue: lambda s, e: replace(s, response_due=e, escalated=False),
    ChildOfConcernResponseRecorded: _responded,
    ChildOfConcernEscalated: lambda s, e: replace(s, escalated=True),
    ChildOfConcernUnderReview: lambda s, e: replace(s, under_review=True),
    ChildOfConcernCategoryApplied: _applied,
    ChildOfConcernClosed: lambda s, e: replace(s, closed=e),
}


def evolve(state: Concern, event: EventContract) -> Concern:
    step = EVOLVE.get(type(event))
    return state if step is None else step(state, event)


def due(concern_id: uuid.UUID, since: datetime,
        calendar: WorkingCalendar) -> ChildOfConcernResponseDue:
    return ChildOfConcernResponseDue(concern_id=concern_id, since=since,
                                     due_on=response_due_on(since, calendar))


def track(command: TrackChildOfConcern, state: Concern) -> list[EventContract]:
    if state.started is not None:
        return []  # a redelivery, a replay, a resubmission: nothing new
    raised, since = command.raised, command.raised_at
    events: list[EventContract] = [
        carried(ChildOfConcernTrackingStarted, raised, raised_at=since)]
    category: Category = raised.category
    held = state.held
    if held is not None and held.to_category != category:
        # A revision overtook the concern on its way here: applied now, as it arrives.
        events.append(ChildOfConcernCategoryApplied(
            concern_id=raised.concern_id, from_category=category,
            to_category=held.to_category))
        category, since = held.to_category, max(since, held.revised_at)
    if category == 1:
        events.append(due(raised.concern_id, since, command.calendar))
    return events


def existing(state: Concern) -> ChildOfConcernTrackingStarted:
    if state.started is None:
        raise NotFound("no such Child of Concern is on the tracker")
    if state.closed is not None:
        raise RuleBroken(f"this Child of Concern was closed on {state.closed.closed_on}")
    return state.started


def respond(command: RecordResponse, state: Concern) -> list[EventContract]:
    started = existing(state)
    role = command.by.role
    if role not in RESPONDING_ROLES:
        raise Forbidden("a response is recorded by a head of service, a director or the "
                        "head of quality")
    since = started.raised_at or command.now
    due_on = (state.response_due.due_on if state.response_due is not None
              else response_due_on(since, command.calendar))
    today = london_date(command.now)
    return [ChildOfConcernResponseRecorded(
        concern_id=started.concern_id, responded_by=command.by.person_id,
        role=role,  # one of RESPONDING_ROLES, checked above
        response=command.response, responded_on=today, within_same_working_day=today <= due_on)]


def check(command: CheckConcern, state: Concern) -> list[EventContract]:
    awaiting = state.response_due
    if (state.started is None or state.closed is not None or awaiting is None
            or state.escalated or command.today <= awaiting.due_on):
        return []
    return [ChildOfConcernEscalated(concern_id=state.started.concern_id, to_role="director",
                                    reason="no-same-day-response", detected_on=command.today)]


def review(command: ReviewConcern, state: Concern) -> list[EventContract]:
    if state.started is None or state.closed is not None or state.under_review:
        return []
    return [ChildOfConcernUnderReview(concern_id=command.concern_id, audit_id=command.audit_id)]


def apply_category(command: ApplyCategory, state: Concern) -> list[EventContract]:
    revised = command.revised
    if state.category is None:  # not here yet: held until it is
        return [ChildOfConcernRevisionHeld(
            concern_id=revised.concern_id, from_category=revised.from_category,
            to_category=revised.to_category, revised_at=command.revised_at)]
    if revised.to_category == state.category:
        return []  # already so: a redelivery, or a revision to what it is
    events: list[EventContract] = [ChildOfConcernCategoryApplied(
        concern_id=revised.concern_id, from_category=state.category,
        to_category=revised.to_category)]
    if revised.to_category == 1 and state.closed is None:
        events.append(due(revised.concern_id, command.revised_at, command.calendar))
    return events


def close(command: CloseConcern, state: Concern) -> list[EventContract]:
    started = existing(state)
    category = state.category or started.category
    role = command.by.role
    if role not in SIGNING_OFF_ROLES[category]:
        raise Forbidden("a Category 1 is signed off by a director only" if category == 1
                        else "a Category 2 is signed off by a head of service or a director")
    return [ChildOfConcernClosed(
        concern_id=started.concern_id, signed_off_by=command.by.person_id,
        role=role,  # one of SIGNING_OFF_ROLES, checked above
        rationale=command.rationale, closed_on=command.today)]


CONCERN: Decider[ConcernCommand, Concern] = Decider(
    "concern", Concern(), evolve,
    by_command({TrackChildOfConcern: track, RecordResponse: respond, CheckConcern: check,
                ReviewConcern: review, ApplyCategory: apply_category, CloseConcern: close}))

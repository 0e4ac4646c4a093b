"""What the tracker publishes: each action's life on the action log (tracked, overdue,
escalated, completed, verified, reopened, extended, reassigned) and each Child of
Concern's (responses, escalation, review, category applied, closure with sign-off)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from shared.events.common import ChildRef, Month, PersonId, Team
from shared.events.vocabulary import Priority
from shared.kernel.contracts import EventContract, PersonalData

Reason = Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]


class ActionTrackingStartedV1(EventContract):
    type_name = "ActionTrackingStarted"
    schema_version = 1
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    owner_id: PersonId
    due_date: date


class ActionTrackingStarted(EventContract):
    """The action is on the action log. v2: published (reporting counts the whole log as
    at any date); raised by an audit or by hand (no audit then); its priority."""

    type_name = "ActionTrackingStarted"
    schema_version = 2
    action_id: uuid.UUID
    audit_id: uuid.UUID | None
    month: Month
    child_ref: ChildRef
    case_team: Team
    owner_id: PersonId
    due_date: date
    priority: Priority = Priority.MEDIUM
    source: Literal["audit", "by-hand"] = "audit"


def upcast_action_tracking_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "priority": "medium", "source": "audit"}


class ActionOverdueV1(EventContract):
    type_name = "ActionOverdue"
    schema_version = 1
    action_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    owner_id: PersonId
    due_date: date
    detected_on: date


class ActionOverdue(EventContract):
    """Emitted once per action, the first time the tracker sees it past its due date.
    v2: an action raised by hand has no audit."""

    type_name = "ActionOverdue"
    schema_version = 2
    action_id: uuid.UUID
    audit_id: uuid.UUID | None
    month: Month
    owner_id: PersonId
    due_date: date
    detected_on: date


def upcast_action_overdue_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return dict(payload)  # the same fields: v2 only lets audit_id be absent


class ActionEscalated(EventContract):
    """Overdue long enough to go up: once per level (e.g. 14 days to the Head of Service,
    28 to the director), across restarts and however many trackers run."""

    type_name = "ActionEscalated"
    action_id: uuid.UUID
    level: Annotated[int, Field(ge=1)]
    to_role: Literal["head-of-service", "director"]
    days_overdue: Annotated[int, Field(ge=1)]
    detected_on: date


class ActionCompleted(EventContract):
    type_name = "ActionCompleted"
    action_id: uuid.UUID
    completed_by: PersonId
    completed_on: date
    evidence: Reason
    evidence_link: Annotated[str, PersonalData(), Field(max_length=2000)] | None = None


class ActionVerified(EventContract):
    """The owner's manager confirms the completion: the action is closed."""

    type_name = "ActionVerified"
    action_id: uuid.UUID
    verified_by: PersonId
    verified_on: date


class ActionReopened(EventContract):
    type_name = "ActionReopened"
    action_id: uuid.UUID
    reopened_by: PersonId
    reason: Reason


class ActionDueDateExtended(EventContract):
    type_name = "ActionDueDateExtended"
    action_id: uuid.UUID
    from_date: date
    to_date: date
    extended_by: PersonId
    reason: Reason


class ActionReassigned(EventContract):
    type_name = "ActionReassigned"
    action_id: uuid.UUID
    from_owner_id: PersonId
    to_owner_id: PersonId
    reassigned_by: PersonId
    reason: Reason


class ChildOfConcernResponseRecorded(EventContract):
    """A Head of Service's response to a Category 1 (due the same working day), or any
    recorded response or decision on a child of concern."""

    type_name = "ChildOfConcernResponseRecorded"
    concern_id: uuid.UUID
    responded_by: PersonId
    role: Literal["head-of-service", "director", "head-of-quality"]
    response: Reason
    responded_on: date
    within_same_working_day: bool


class ChildOfConcernEscalated(EventContract):
    """A Category 1 without a Head of Service response by the end of the working day on
    which it was raised: escalated to the director."""

    type_name = "ChildOfConcernEscalated"
    concern_id: uuid.UUID
    to_role: Literal["director"]
    reason: Literal["no-same-day-response"]
    detected_on: date


class ChildOfConcernUnderReview(EventContract):
    """The audit that raised it was moderated away from Inadequate: the concern is
    reviewed by a person, never closed silently."""

    type_name = "ChildOfConcernUnderReview"
    concern_id: uuid.UUID
    audit_id: uuid.UUID


class ChildOfConcernCategoryApplied(EventContract):
    """A revision of the concern's category (from moderation or the Head of Quality)
    applied on the tracker."""

    type_name = "ChildOfConcernCategoryApplied"
    concern_id: uuid.UUID
    from_category: Literal[1, 2]
    to_category: Literal[1, 2]


class ChildOfConcernClosed(EventContract):
    """Off the tracker: a Category 1 only with a director's sign-off, a Category 2 with a
    Head of Service's."""

    type_name = "ChildOfConcernClosed"
    concern_id: uuid.UUID
    signed_off_by: PersonId
    role: Literal["director", "head-of-service"]
    rationale: Reason
    closed_on: date


CONTRACTS: list[type[EventContract]] = [
    ActionTrackingStartedV1, ActionTrackingStarted, ActionOverdueV1, ActionOverdue,
    ActionEscalated,
    ActionCompleted, ActionVerified, ActionReopened, ActionDueDateExtended,
    ActionReassigned, ChildOfConcernResponseRecorded, ChildOfConcernEscalated,
    ChildOfConcernUnderReview, ChildOfConcernCategoryApplied, ChildOfConcernClosed,
]
UPCASTERS = {("ActionTrackingStarted", 1): upcast_action_tracking_v1_to_v2,
             ("ActionOverdue", 1): upcast_action_overdue_v1_to_v2}

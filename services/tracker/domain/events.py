"""The tracker's internal events: they stay in its store."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field

from shared.events import service_registry
from shared.events.common import ChildRef, Grade, Month, Team
from shared.events.vocabulary import ConcernImmediacy, ConcernNature
from shared.kernel.contracts import EventContract, PersonalData

Description = Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]


class ChildOfConcernTrackingStartedV1(EventContract):
    type_name = "ChildOfConcernTrackingStarted"
    schema_version = 1
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    child_ref: ChildRef
    case_team: Team
    category: Literal[1, 2]


class ChildOfConcernTrackingStartedV2(ChildOfConcernTrackingStartedV1):
    """v2 adds when the audit raised the concern, so "how long on the tracker" counts
    from then, not from whenever the tracker got round to it (lag, replays)."""

    schema_version = 2
    raised_at: AwareDatetime | None = None  # None: recorded by v1, raised time not kept


class ChildOfConcernTrackingStarted(ChildOfConcernTrackingStartedV2):
    """v3 keeps what the audit (or the moderator) said of the child: the reason, its
    nature and immediacy, and who decided, for the list and the child's timeline."""

    schema_version = 3
    reason: Description | None = None  # None: recorded before v3
    nature: list[ConcernNature] = []
    immediacy: ConcernImmediacy | None = None
    decided_by: Literal["auditor", "moderator"] = "auditor"


def upcast_concern_tracking_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "raised_at": None}


def upcast_concern_tracking_v2_to_v3(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "reason": None, "nature": [], "immediacy": None,
            "decided_by": "auditor"}


class ActionDescribed(EventContract):
    """What the action asks, recorded with ActionTrackingStarted (whose published contract
    carries no description): for its owner's list and the child's timeline."""

    type_name = "ActionDescribed"
    action_id: uuid.UUID
    description: Description


class ChildOfConcernResponseDue(EventContract):
    """A Category 1 needs a Head of Service response by the end of `due_on` (London): the
    day it became Category 1 if that is a working day, else the next working day.
    Recorded, so the deadline stands as decided even if the holiday calendar changes."""

    type_name = "ChildOfConcernResponseDue"
    concern_id: uuid.UUID
    since: AwareDatetime
    due_on: date


class ChildOfConcernRevisionHeld(EventContract):
    """A category revision that reached the tracker before the concern itself (the two
    come from different topics): held, and applied when the concern arrives."""

    type_name = "ChildOfConcernRevisionHeld"
    concern_id: uuid.UUID
    from_category: Literal[1, 2]
    to_category: Literal[1, 2]
    revised_at: AwareDatetime


class AuditConcernLinked(EventContract):
    """A Child of Concern raised by this audit (the tracker's index of an audit's
    concerns, so a review request finds every one, whichever arrives first)."""

    type_name = "AuditConcernLinked"
    audit_id: uuid.UUID
    concern_id: uuid.UUID
    raised_at: AwareDatetime


class AuditConcernsReviewRequested(EventContract):
    """Moderation took the audit away from Inadequate: its concerns raised before
    `requested_at` go up for review."""

    type_name = "AuditConcernsReviewRequested"
    audit_id: uuid.UUID
    requested_at: AwareDatetime
    from_grade: Grade
    to_grade: Grade


INTERNAL: list[type[EventContract]] = [
    ChildOfConcernTrackingStartedV1, ChildOfConcernTrackingStartedV2,
    ChildOfConcernTrackingStarted, ActionDescribed, ChildOfConcernResponseDue,
    ChildOfConcernRevisionHeld,
    AuditConcernLinked, AuditConcernsReviewRequested,
]
REGISTRY = service_registry(
    *INTERNAL, upcasters={("ChildOfConcernTrackingStarted", 1): upcast_concern_tracking_v1_to_v2,
                          ("ChildOfConcernTrackingStarted", 2): upcast_concern_tracking_v2_to_v3})

"""What the moderation service is asked to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from services.moderation.domain.assignment import Parties
from services.moderation.domain.events import (
    CaseFactsRecorded,
    PoolMemberRecorded,
    SubmissionReceived,
)
from services.moderation.domain.sampling import AuditorRecord, Policy
from shared.events.common import Grade
from shared.events.vocabulary import ConcernImmediacy, ConcernNature

Outcome = Literal["agreed", "grades-changed", "below-standard"]
OVERALL = "overall"
# Who may record an outcome on an audit not assigned to them, and challenge categories.
HEAD_OF_QUALITY = "head-of-quality"
MODERATOR_ROLES = frozenset({"moderator", "external-moderator"})
QA_TEAM_ROLES = frozenset({"qa-officer", "qa-manager", HEAD_OF_QUALITY})


# --- one audit ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ReceiveSubmission:
    """A submission arrived: the first is sampled (or not) under `policy`; a later one
    (after a return for rework) goes back into moderation."""

    received: SubmissionReceived
    policy: Policy
    auditor: AuditorRecord
    today: date


@dataclass(frozen=True)
class SampleForConcern:
    """A Category 1 Child of Concern was raised on the audit."""

    audit_id: uuid.UUID
    concern_id: uuid.UUID


@dataclass(frozen=True)
class RecordAssignment:
    """What the pool decided: a moderator, or why none may take it yet."""

    audit_id: uuid.UUID
    moderator_id: str | None
    external: bool = False
    reasons: tuple[str, ...] = ()
    # Set for a reassignment by hand: the person's reason.
    reassigned_because: str | None = None


@dataclass(frozen=True)
class Change:
    grade: Grade
    rationale: str


@dataclass(frozen=True)
class ConcernDecision:
    category: Literal[1, 2]
    reason: str
    nature: tuple[ConcernNature, ...] = ()
    immediacy: ConcernImmediacy | None = None


@dataclass(frozen=True)
class ModerateAudit:
    audit_id: uuid.UUID
    moderator_id: str
    outcome: Outcome
    role: str = "moderator"
    # element id (or "overall") -> the new grade and why
    changes: dict[str, Change] = field(default_factory=dict)
    reasons: str = ""  # below standard: why
    rationale: str = ""  # any outcome: the moderator's summary
    child_of_concern: ConcernDecision | None = None


ModerationCommand = ReceiveSubmission | SampleForConcern | RecordAssignment | ModerateAudit


# --- a pool, a case, a policy, a concern --------------------------------------------------

@dataclass(frozen=True)
class RecordMember:
    record: PoolMemberRecorded


@dataclass(frozen=True)
class CountAudit:
    audit_id: uuid.UUID
    auditor_id: str
    submitted_on: date


@dataclass(frozen=True)
class TakeModeration:
    """Find the audit a moderator. `to`: exactly this person or refuse (a reassignment
    by hand); `prefer`: this person while eligible (a resubmission); `exclude`: anyone
    but these (a reassignment away from someone)."""

    audit_id: uuid.UUID
    parties: Parties
    today: date
    to: str | None = None
    prefer: str | None = None
    exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReleaseModeration:
    audit_id: uuid.UUID


PoolCommand = RecordMember | CountAudit | TakeModeration | ReleaseModeration


@dataclass(frozen=True)
class RecordCase:
    facts: CaseFactsRecorded


@dataclass(frozen=True)
class SetSamplingPolicy:
    random_share: float
    newly_trained_first_n: int
    seed: int
    set_by: str
    role: str


@dataclass(frozen=True)
class RecordConcern:
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: str
    category: Literal[1, 2]
    decided_by: Literal["auditor", "moderator"]


@dataclass(frozen=True)
class ReviseCategory:
    concern_id: uuid.UUID
    to_category: Literal[1, 2]
    rationale: str
    by: str
    role: str
    trained_moderator: bool = False  # what the pool says of `by` on the day


ConcernCommand = RecordConcern | ReviseCategory

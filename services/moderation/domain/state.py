"""One audit's moderation as its stream tells it: received, sampled or not (and why),
assigned, decided per submission, returned and resubmitted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Literal

from services.moderation.domain.events import (
    AuditNotSampled,
    AuditQueuedForModeration,
    ModerationReassigned,
    ModeratorAssigned,
    ModeratorAwaited,
    SamplingReasonAdded,
    SubmissionReceived,
)
from shared.events.common import Grade
from shared.events.moderation import AuditModerated, AuditSampled
from shared.kernel.contracts import EventContract

Status = Literal["not-sampled", "awaiting", "returned", "moderated"]


@dataclass(frozen=True)
class Submitted:
    """What was submitted, whether the stream began with SubmissionReceived or (before
    sampling) with AuditQueuedForModeration, which knew only the overall grade."""

    audit_id: uuid.UUID
    month: str
    auditor_id: str
    overall_grade: Grade
    submission: int = 1
    audit_tool: str = "legacy-overall"
    element_grades: dict[str, Grade] = field(default_factory=dict)


@dataclass(frozen=True)
class Moderation:
    received: SubmissionReceived | None = None
    legacy: AuditQueuedForModeration | None = None
    sampled: AuditSampled | None = None
    not_sampled: AuditNotSampled | None = None
    added_reasons: tuple[str, ...] = ()
    moderator: str | None = None
    awaiting: tuple[str, ...] | None = None
    outcome: AuditModerated | None = None  # the latest, of whichever submission
    returned_by: str | None = None

    @property
    def submitted(self) -> Submitted | None:
        if self.received is not None:
            r = self.received
            return Submitted(r.audit_id, r.month, r.auditor_id, r.overall_grade,
                             r.submission, r.audit_tool, dict(r.element_grades))
        if self.legacy is not None:
            q = self.legacy
            return Submitted(q.audit_id, q.month, q.auditor_id, q.submitted_grade)
        return None

    @property
    def in_sample(self) -> bool:
        return self.sampled is not None or self.legacy is not None

    @property
    def reasons(self) -> tuple[str, ...]:
        sampled = tuple(self.sampled.reasons) if self.sampled is not None else ()
        return sampled + self.added_reasons

    @property
    def decided(self) -> AuditModerated | None:
        """The outcome of the current submission, if any."""
        submitted = self.submitted
        if self.outcome is None or submitted is None \
                or self.outcome.submission != submitted.submission:
            return None
        return self.outcome

    @property
    def status(self) -> Status:
        decided = self.decided
        if not self.in_sample:
            return "not-sampled"
        if decided is None:
            return "awaiting"
        return "returned" if decided.outcome == "below-standard" else "moderated"


def evolve(state: Moderation, event: EventContract) -> Moderation:
    match event:
        case SubmissionReceived():
            return replace(state, received=event)
        case AuditQueuedForModeration():
            return replace(state, legacy=event)
        case AuditSampled():
            return replace(state, sampled=event)
        case AuditNotSampled():
            return replace(state, not_sampled=event)
        case SamplingReasonAdded():
            return replace(state, added_reasons=(*state.added_reasons, event.reason))
        case ModeratorAssigned() | ModerationReassigned():
            return replace(state, moderator=event.moderator_id, awaiting=None)
        case ModeratorAwaited():
            return replace(state, awaiting=tuple(event.reasons))
        case AuditModerated() if event.outcome == "below-standard":
            return replace(state, outcome=event, returned_by=event.moderator_id,
                           moderator=None)
        case AuditModerated():
            return replace(state, outcome=event)
    return state

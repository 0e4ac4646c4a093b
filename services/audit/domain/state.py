"""An audit's state, folded from its stream."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from services.audit.domain.content import Draft, Submission, as_draft, merge
from services.audit.domain.events import (
    AuditAssigned,
    AuditCycleEnded,
    AuditDraftSaved,
    AuditFindingsRecorded,
    AuditReallocated,
    AuditReopened,
    AuditSampledForModeration,
    AuditStarted,
    GradeRevised,
    ModerationRecorded,
)
from shared.events.audit import AuditFinalised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade
from shared.kernel.contracts import EventContract

Status = Literal["assigned", "in-progress", "submitted", "returned", "final",
                 "not-completed-to-standard", "not-submitted"]


@dataclass(frozen=True)
class Audit:
    assigned: AuditAssigned | None = None
    auditor_id: str | None = None  # the current auditor (reallocation moves it)
    tool_version: int | None = None
    tool_digest: str | None = None
    started: bool = False
    draft: Draft = field(default_factory=Draft)  # the working copy, drafts merged
    submission: int = 0  # the latest submission's number
    submitted: AuditSubmitted | None = None
    findings: Submission | None = None
    returned: AuditReopened | None = None  # while open for rework
    sampled: bool = False  # the latest submission is in moderation's sample
    moderation: ModerationRecorded | None = None  # of the latest submission
    grades: Mapping[str, Grade] = field(default_factory=dict)  # elements, as moderated
    overall: Grade | None = None  # as moderated
    revised: frozenset[str] = frozenset()  # grades moderation changed on this submission
    concerns: frozenset[uuid.UUID] = frozenset()
    finalised: AuditFinalised | None = None
    cycle_ended: AuditCycleEnded | None = None

    @property
    def status(self) -> Status:
        if self.finalised is not None:
            return "final" if self.finalised.completed_to_standard \
                else "not-completed-to-standard"
        if self.cycle_ended is not None and self.cycle_ended.standing == "not-submitted":
            return "not-submitted"
        if self.returned is not None:
            return "returned"
        if self.submitted is not None:
            return "submitted"
        return "in-progress" if self.started else "assigned"


def _submitted(state: Audit, event: AuditSubmitted) -> Audit:
    return replace(state, submitted=event, submission=event.submission, returned=None,
                   sampled=False, moderation=None, grades=dict(event.element_grades),
                   overall=event.overall_grade, revised=frozenset())


def _revised(state: Audit, event: GradeRevised) -> Audit:
    revised = state.revised | {event.element}
    if event.element == "overall":
        return replace(state, overall=event.to_grade, revised=revised)
    return replace(state, grades={**state.grades, event.element: event.to_grade},
                   revised=revised)


def _moderated(state: Audit, event: ModerationRecorded) -> Audit:
    if event.outcome == "below-standard":
        return replace(state, moderation=event)
    return replace(state, moderation=event, overall=event.moderated_grade)


EVOLVE: dict[type[EventContract], Callable[[Audit, Any], Audit]] = {
    AuditAssigned: lambda s, e: replace(s, assigned=e, auditor_id=e.auditor_id,
                                        tool_version=e.tool_version,
                                        tool_digest=e.tool_digest),
    AuditStarted: lambda s, e: replace(s, started=True,
                                       tool_version=e.tool_version or s.tool_version,
                                       tool_digest=e.tool_digest or s.tool_digest),
    AuditDraftSaved: lambda s, e: replace(s, draft=merge(s.draft, e.draft)),
    AuditFindingsRecorded: lambda s, e: replace(s, findings=e.findings,
                                                draft=as_draft(e.findings)),
    AuditSubmitted: _submitted,
    ChildOfConcernRaised: lambda s, e: replace(s, concerns=s.concerns | {e.concern_id}),
    AuditReallocated: lambda s, e: replace(s, auditor_id=e.auditor_id),
    AuditSampledForModeration: lambda s, e: replace(s, sampled=True),
    ModerationRecorded: _moderated,
    GradeRevised: _revised,
    AuditReopened: lambda s, e: replace(s, returned=e),
    AuditFinalised: lambda s, e: replace(s, finalised=e),
    AuditCycleEnded: lambda s, e: replace(s, cycle_ended=e),
}


def evolve(state: Audit, event: EventContract) -> Audit:
    step = EVOLVE.get(type(event))
    return state if step is None else step(state, event)


def fold(state: Audit, *events: EventContract) -> Audit:
    for event in events:
        state = evolve(state, event)
    return state

"""What the audit service is asked to do (imperative), as plain values. A command that
needs the audit's tool carries it: the use case looks it up, the domain checks it is the
one the audit is pinned to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from services.audit.domain.content import Draft, Submission
from services.audit.domain.tools import AuditTool
from shared.events.allocation import CaseAllocated, CaseReallocated
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    ChildOfConcernDecided,
    GradeChanged,
)


@dataclass(frozen=True)
class AssignAudit:
    audit_id: uuid.UUID
    allocation: CaseAllocated
    tool: AuditTool | None  # the latest version of the tool named; None: not loaded


@dataclass(frozen=True)
class StartAudit:
    audit_id: uuid.UUID
    by: str
    # The tool the audit is pinned to (or, if unpinned, the latest version of its id).
    tool: AuditTool | None = None


@dataclass(frozen=True)
class SaveDraft:
    audit_id: uuid.UUID
    by: str
    draft: Draft
    tool: AuditTool | None = None


@dataclass(frozen=True)
class SubmitAudit:
    audit_id: uuid.UUID
    by: str
    submission: Submission
    tool: AuditTool | None = None
    # When it was submitted; the use case fills it from the clock, never the domain.
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class ReallocateAudit:
    audit_id: uuid.UUID
    reallocation: CaseReallocated


@dataclass(frozen=True)
class RecordSampling:
    sampled: AuditSampled


@dataclass(frozen=True)
class RecordModeration:
    moderated: AuditModerated


@dataclass(frozen=True)
class ReviseGrade:
    changed: GradeChanged


@dataclass(frozen=True)
class ReturnForRework:
    returned: AuditReturnedForRework


@dataclass(frozen=True)
class RaiseModeratorConcern:
    decided: ChildOfConcernDecided
    concern_id: uuid.UUID


@dataclass(frozen=True)
class EndCycle:
    audit_id: uuid.UUID
    cycle_id: uuid.UUID


DoingCommand = StartAudit | SaveDraft | SubmitAudit
ResultCommand = (ReallocateAudit | RecordSampling | RecordModeration | ReviseGrade
                 | ReturnForRework | RaiseModeratorConcern | EndCycle)
AuditCommand = AssignAudit | DoingCommand | ResultCommand


@dataclass(frozen=True)
class JoinCycle:
    cycle_id: uuid.UUID
    audit_id: uuid.UUID


@dataclass(frozen=True)
class CloseCycle:
    cycle_id: uuid.UUID
    audits: int


CycleCommand = JoinCycle | CloseCycle

"""The audit service's internal events: they stay in its store. What the auditor writes
(answers, strengths, areas for development, drafts) lives here and never goes on the
wire; the wire contracts (shared/events/audit.py) carry grades, themes and engagement."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from services.audit.domain.content import Draft, Submission
from shared.events import service_registry
from shared.events.common import ChildRef, Grade, LegalStatus, Month, PersonId, Team
from shared.events.vocabulary import SelectionReason, ToolId
from shared.kernel.contracts import EventContract, PersonalData
from shared.kernel.identifiers import Slug

Reasons = Annotated[str, PersonalData(), Field(min_length=1, max_length=4000)]
Submitted = Annotated[int, Field(ge=1)]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class AuditAssignedV1(EventContract):
    type_name = "AuditAssigned"
    schema_version = 1
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId


class AuditAssigned(EventContract):
    """The audit service has made an allocated case's audit available to its auditor.
    v2: the tool it is done on, pinned to the version loaded at assignment (None: the tool
    was not loaded then; it is pinned when the audit starts), with the digest of what a
    submission is checked against; why the case was selected."""

    type_name = "AuditAssigned"
    schema_version = 2
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId
    audit_tool: ToolId
    tool_version: Annotated[int, Field(ge=1)] | None
    tool_digest: Digest | None = None  # None: not checked (the built-in legacy tool)
    selection: SelectionReason = SelectionReason.CORE
    theme: Slug | None = None


def upcast_audit_assigned_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "audit_tool": "legacy-overall", "tool_version": 1, "tool_digest": None,
            "selection": "core", "theme": None}


class AuditStarted(EventContract):
    """The auditor began (explicitly, or by saving a first draft or submitting). Pins the
    tool when the assignment could not."""

    type_name = "AuditStarted"
    audit_id: uuid.UUID
    started_by: PersonId
    tool_version: Annotated[int, Field(ge=1)] | None = None
    tool_digest: Digest | None = None


class AuditDraftSaved(EventContract):
    """Part of the audit as the auditor saved it: only what changed (see Draft)."""

    type_name = "AuditDraftSaved"
    audit_id: uuid.UUID
    saved_by: PersonId
    draft: Annotated[Draft, PersonalData()]


class AuditFindingsRecorded(EventContract):
    """The whole submission as the auditor sent it, answers and findings included;
    AuditSubmitted (on the wire) follows it with what other services need."""

    type_name = "AuditFindingsRecorded"
    audit_id: uuid.UUID
    submission: Submitted
    submitted_by: PersonId
    findings: Annotated[Submission, PersonalData()]


class AuditReallocated(EventContract):
    type_name = "AuditReallocated"
    audit_id: uuid.UUID
    from_auditor_id: PersonId
    auditor_id: PersonId
    reason: Literal["sickness", "leave", "conflict-of-interest", "left", "workload", "other"]


class AuditSampledForModeration(EventContract):
    type_name = "AuditSampledForModeration"
    audit_id: uuid.UUID
    submission: Submitted
    reasons: list[Slug]


class ModerationRecorded(EventContract):
    """Moderation's outcome for one submission (AuditModerated)."""

    type_name = "ModerationRecorded"
    audit_id: uuid.UUID
    submission: Submitted
    moderator_id: PersonId
    outcome: Literal["agreed", "grades-changed", "below-standard"]
    moderated_grade: Grade
    changed_elements: list[Slug] = []
    rationale: Annotated[str, PersonalData(), Field(max_length=4000)] = ""


class GradeRevised(EventContract):
    """One grade changed at moderation (GradeChanged): "overall" or an element."""

    type_name = "GradeRevised"
    audit_id: uuid.UUID
    submission: Submitted
    element: Slug
    from_grade: Grade
    to_grade: Grade
    moderator_id: PersonId


class AuditReopened(EventContract):
    """Moderation returned the submission as below standard: open again for its auditor."""

    type_name = "AuditReopened"
    audit_id: uuid.UUID
    submission: Submitted
    moderator_id: PersonId
    reasons: Reasons


Standing = Literal["final", "awaiting-moderation", "returned-not-resubmitted",
                   "not-submitted"]


class AuditCycleEnded(EventContract):
    """The audit's cycle closed; how the audit stood then."""

    type_name = "AuditCycleEnded"
    audit_id: uuid.UUID
    cycle_id: uuid.UUID
    standing: Standing


class AuditJoinedCycle(EventContract):
    """The cycle's index of its audits (stream auditcycle-<cycle id>), so the cycle's
    close reaches each of them."""

    type_name = "AuditJoinedCycle"
    cycle_id: uuid.UUID
    audit_id: uuid.UUID


class CycleCloseApplied(EventContract):
    type_name = "CycleCloseApplied"
    cycle_id: uuid.UUID
    audits: int


INTERNAL: list[type[EventContract]] = [
    AuditAssignedV1, AuditAssigned, AuditStarted, AuditDraftSaved, AuditFindingsRecorded,
    AuditReallocated, AuditSampledForModeration, ModerationRecorded, GradeRevised,
    AuditReopened, AuditCycleEnded, AuditJoinedCycle, CycleCloseApplied,
]
REGISTRY = service_registry(
    *INTERNAL, upcasters={("AuditAssigned", 1): upcast_audit_assigned_v1_to_v2})

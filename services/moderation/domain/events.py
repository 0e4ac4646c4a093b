"""The moderation service's internal events: they stay in its store.

Five kinds of stream hold them (see streams.py): one per audit (what happened to its
moderation), one per service area's pool (who may moderate, their open workloads, the
audits waiting for a moderator, each auditor's submitted audits), one per service
area's sampling policy, one per allocation (the case's team and
workers) and one per Child of Concern (its category as moderation last knew it).

(A little over 200 lines: every internal contract in one module, as each service keeps
them, so the registry below is built in one place.)"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared.events import service_registry
from shared.events.common import ChildRef, Grade, LegalStatus, Month, PersonId, Team
from shared.events.moderation import SampleReason
from shared.events.vocabulary import StaffRole, ToolId
from shared.kernel.contracts import EventContract, PersonalData
from shared.kernel.identifiers import Slug

Share = Annotated[float, Field(ge=0, le=1)]
# What a StaffMemberRecorded says it changed (the same closed choice).
StaffChange = Literal["joined", "moved-team", "role-changed", "manager-changed",
                      "trained-as-auditor", "trained-as-moderator", "working-pattern-changed",
                      "leaving", "left"]
Seed = Annotated[int, Field(ge=0, lt=2**53)]
Reason = Annotated[str, PersonalData(), Field(min_length=1, max_length=2000)]


class AuditQueuedForModeration(EventContract):
    """Before sampling (November 2026): every submitted audit was queued. Such an audit
    counts as sampled, waiting for a moderator."""

    type_name = "AuditQueuedForModeration"
    audit_id: uuid.UUID
    month: Month
    auditor_id: PersonId
    submitted_grade: Grade


# --- one audit's stream ------------------------------------------------------------------

class SubmissionReceived(EventContract):
    """An audit's submission (1, or 2 and on after a return for rework) as moderation
    needs it: who audited, the case's team, the tool and the auditor's grades."""

    type_name = "SubmissionReceived"
    audit_id: uuid.UUID
    allocation_id: uuid.UUID
    month: Month
    submission: Annotated[int, Field(ge=1)]
    auditor_id: PersonId
    case_team: Team
    child_ref: ChildRef
    legal_status: LegalStatus
    audit_tool: ToolId
    tool_version: Annotated[int, Field(ge=1)]
    overall_grade: Grade
    element_grades: dict[Slug, Grade] = {}


class AuditNotSampled(EventContract):
    """Why an audit is not in the sample: the evidence for "why not" (its seed repeats the
    draw; see AuditSampled)."""

    type_name = "AuditNotSampled"
    audit_id: uuid.UUID
    month: Month
    auditor_id: PersonId
    seed: Seed
    random_share: Share
    policy_version: Annotated[int, Field(ge=0)]
    audits_since_trained: Annotated[int, Field(ge=0)] | None = None


class SamplingReasonAdded(EventContract):
    """A sampled audit turned out to be in the sample for one more reason (a Category 1
    Child of Concern raised after its submission)."""

    type_name = "SamplingReasonAdded"
    audit_id: uuid.UUID
    reason: SampleReason
    concern_id: uuid.UUID | None = None


class ModeratorAssigned(EventContract):
    type_name = "ModeratorAssigned"
    audit_id: uuid.UUID
    moderator_id: PersonId
    submission: Annotated[int, Field(ge=1)]
    external: bool = False


class ModerationReassigned(EventContract):
    """A person moved the moderation to another moderator, saying why."""

    type_name = "ModerationReassigned"
    audit_id: uuid.UUID
    from_moderator_id: PersonId | None
    moderator_id: PersonId
    reason: Reason
    external: bool = False


WhyNot = list[Annotated[str, Field(max_length=300)]]


class ModeratorAwaited(EventContract):
    """Sampled, but no moderator in the pool may take it yet: each reason why."""

    type_name = "ModeratorAwaited"
    audit_id: uuid.UUID
    reasons: WhyNot


# --- a service area's pool ---------------------------------------------------------------

class PoolMemberRecorded(EventContract):
    """A person's staff record as allocation last published it (StaffMemberRecorded)."""

    type_name = "PoolMemberRecorded"
    person_id: PersonId
    change: StaffChange
    effective_on: date
    role: StaffRole
    team: Team
    auditor_since: date | None = None
    moderator_since: date | None = None
    manager_id: PersonId | None = None
    external: bool = False
    leaving_on: date | None = None


class AuditCounted(EventContract):
    """An auditor's submitted audit, counted for the newly-trained rule."""

    type_name = "AuditCounted"
    audit_id: uuid.UUID
    auditor_id: PersonId
    submitted_on: date


class WorkloadTaken(EventContract):
    type_name = "WorkloadTaken"
    audit_id: uuid.UUID
    moderator_id: PersonId


class WorkloadReleased(EventContract):
    """Decided, returned or reassigned: off its moderator's workload (or, when None,
    off the list of audits waiting for one)."""

    type_name = "WorkloadReleased"
    audit_id: uuid.UUID
    moderator_id: PersonId | None


class AuditAwaitingModerator(EventContract):
    type_name = "AuditAwaitingModerator"
    audit_id: uuid.UUID
    reasons: WhyNot


# --- a service area's sampling policy -----------------------------------------------------

class SamplingPolicySet(EventContract):
    """Which audits a service area moderates. Inadequate audits and audits with a
    Category 1 Child of Concern are always sampled; on top: a random share, and each newly
    trained auditor's first audits."""

    type_name = "SamplingPolicySet"
    version: Annotated[int, Field(ge=1)]
    random_share: Share
    newly_trained_first_n: Annotated[int, Field(ge=0, le=50)]
    seed: Seed
    set_by: PersonId


# --- an allocation, a Child of Concern ----------------------------------------------------

class CaseFactsRecorded(EventContract):
    """Who works the allocated case: no moderator of theirs moderates its audit."""

    type_name = "CaseFactsRecorded"
    allocation_id: uuid.UUID
    case_team: Team
    social_worker_id: PersonId | None = None
    case_manager_id: PersonId | None = None


class ConcernRecorded(EventContract):
    type_name = "ConcernRecorded"
    concern_id: uuid.UUID
    audit_id: uuid.UUID
    month: Month
    category: Literal[1, 2]
    decided_by: Literal["auditor", "moderator"] = "auditor"


INTERNAL: list[type[EventContract]] = [
    AuditQueuedForModeration, SubmissionReceived, AuditNotSampled, SamplingReasonAdded,
    ModeratorAssigned, ModerationReassigned, ModeratorAwaited, PoolMemberRecorded,
    AuditCounted, WorkloadTaken, WorkloadReleased, AuditAwaitingModerator, SamplingPolicySet,
    CaseFactsRecorded, ConcernRecorded,
]
REGISTRY = service_registry(*INTERNAL)

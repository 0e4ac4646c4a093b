"""What the allocation service publishes: the staff directory with its pool of auditors and
moderators, each month's cycle with its selection rules and exemptions, allocations and
their changes, nil returns and the cycle's close."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from shared.events.common import ChildRef, LegalStatus, Month, PersonId, Team
from shared.events.vocabulary import (
    ExemptionKind,
    SelectionReason,
    SelectionRules,
    StaffRole,
    ToolId,
    WorkingPattern,
)
from shared.kernel.contracts import EventContract
from shared.kernel.identifiers import Slug


class StaffMemberRecorded(EventContract):
    """A person in the staff directory, with their place in the audit and moderation pool,
    as it now stands: the whole record each time, so a consumer keeps the latest and the
    history answers "the pool as at any month". `change` says what this record changed.
    Other services learn roles, teams and line managers from it (who verifies an action,
    whom an escalation reaches, who may moderate)."""

    type_name = "StaffMemberRecorded"
    person_id: PersonId
    change: Literal["joined", "moved-team", "role-changed", "manager-changed",
                    "trained-as-auditor", "trained-as-moderator", "working-pattern-changed",
                    "leaving", "left"]
    effective_on: date
    role: StaffRole
    team: Team
    working_pattern: WorkingPattern
    auditor_since: date | None = None
    moderator_since: date | None = None
    manager_id: PersonId | None = None  # their line manager
    external: bool = False  # an external moderator (e.g. ex-Ofsted)
    leaving_on: date | None = None


class AuditCycleOpenedV1(EventContract):
    type_name = "AuditCycleOpened"
    schema_version = 1
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date


class AuditCycleOpened(EventContract):
    """v2: the cycle's selection rules and the seed of its draw, and the pool it starts
    with (Gloucestershire's "No. of auditors": the denominator of both completion rates)."""

    type_name = "AuditCycleOpened"
    schema_version = 2
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date
    rules: SelectionRules | None = None  # None: opened before rules were recorded (v1)
    seed: int | None = None
    auditors_in_pool: Annotated[int, Field(ge=0)] | None = None


def upcast_cycle_opened_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "rules": None, "seed": None, "auditors_in_pool": None}


class AuditorExempted(EventContract):
    """Someone in the pool does not audit this month, and it counts: non-operational kinds
    at once, others once a director has authorised them."""

    type_name = "AuditorExempted"
    cycle_id: uuid.UUID
    month: Month
    person_id: PersonId
    kind: ExemptionKind
    non_operational: bool
    authorised_by: PersonId | None = None


class CaseAllocatedV1(EventContract):
    type_name = "CaseAllocated"
    schema_version = 1
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId
    auditor_team: Team


class CaseAllocated(EventContract):
    """Carries what the other services need to know of the case and the auditor, as they
    stood at allocation (a report groups by the legal status the audit saw).
    v2: why the case was selected, the audit tool, and the case's social worker and manager
    (no moderator of theirs may moderate it)."""

    type_name = "CaseAllocated"
    schema_version = 2
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    return_deadline: date
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    case_team: Team
    auditor_id: PersonId
    auditor_team: Team
    selection: SelectionReason = SelectionReason.CORE
    theme: Slug | None = None
    audit_tool: ToolId = "core"
    social_worker_id: PersonId | None = None
    case_manager_id: PersonId | None = None


def upcast_case_allocated_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "selection": "core", "theme": None, "audit_tool": "core",
            "social_worker_id": None, "case_manager_id": None}


class CaseReallocated(EventContract):
    """The allocation moves to another auditor (sickness, a declared conflict of interest):
    the audit follows it."""

    type_name = "CaseReallocated"
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    from_auditor_id: PersonId
    auditor_id: PersonId
    auditor_team: Team
    reason: Literal["sickness", "leave", "conflict-of-interest", "left", "workload",
                    "other"]


class NilReturnRecorded(EventContract):
    """The cycle closed with this allocation's audit not submitted."""

    type_name = "NilReturnRecorded"
    allocation_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    auditor_id: PersonId


class AuditCycleClosed(EventContract):
    """The month's returns are in: its figures as allocation counted them at the close."""

    type_name = "AuditCycleClosed"
    cycle_id: uuid.UUID
    month: Month
    auditors_in_pool: Annotated[int, Field(ge=0)]
    non_operational_exemptions: Annotated[int, Field(ge=0)]
    operational_exemptions: Annotated[int, Field(ge=0)]
    allocated: Annotated[int, Field(ge=0)]
    completed: Annotated[int, Field(ge=0)]
    late_returns: Annotated[int, Field(ge=0)]
    nil_returns: Annotated[int, Field(ge=0)]


CONTRACTS: list[type[EventContract]] = [
    StaffMemberRecorded, AuditCycleOpenedV1, AuditCycleOpened, AuditorExempted,
    CaseAllocatedV1, CaseAllocated, CaseReallocated, NilReturnRecorded, AuditCycleClosed,
]
UPCASTERS = {("AuditCycleOpened", 1): upcast_cycle_opened_v1_to_v2,
             ("CaseAllocated", 1): upcast_case_allocated_v1_to_v2}

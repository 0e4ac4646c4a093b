"""What people (and the schedule) ask the allocation service to do, as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from services.allocation.domain.events import (
    CaseRecorded,
    OwnTeamAudits,
    Unplaced,
)
from shared.events.allocation import StaffMemberRecorded
from shared.events.common import LegalStatus
from shared.events.vocabulary import ExemptionKind, SelectionRules, StaffRole, WorkingPattern

if TYPE_CHECKING:
    from services.allocation.domain.cycle import Cycle
    from services.allocation.domain.figures import Counts

ReallocationReason = Literal["sickness", "leave", "conflict-of-interest", "left", "workload",
                             "other"]


@dataclass(frozen=True)
class OpenCycle:
    cycle_id: uuid.UUID
    month: str
    return_deadline: date
    # The London day it is opened on: the domain never reads the clock.
    today: date
    rules: SelectionRules | None = None
    seed: int | None = None
    own_team_audits: OwnTeamAudits = "forbidden"
    audits_per_auditor: int = 1
    moderating: tuple[str, ...] = ()
    # What the register and the pool held at the opening (read by the use case).
    register: tuple[CaseRecorded, ...] = ()
    pool: tuple[StaffMemberRecorded, ...] = ()


@dataclass(frozen=True)
class RecordCase:
    case_id: uuid.UUID
    child_ref: str
    team: str
    legal_status: LegalStatus
    case_ref: str | None = None
    social_worker_id: str | None = None
    manager_id: str | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    flags: tuple[str, ...] = ()
    only_if_new: bool = False

    def facts(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "case_ref": self.case_ref, "child_ref": self.child_ref,
                "team": self.team, "legal_status": self.legal_status,
                "social_worker_id": self.social_worker_id, "manager_id": self.manager_id,
                "opened_on": self.opened_on, "closed_on": self.closed_on,
                "flags": sorted(set(self.flags))}


@dataclass(frozen=True)
class RecordStaff:
    person_id: str
    role: StaffRole
    team: str
    effective_on: date
    working_pattern: WorkingPattern = WorkingPattern.FULL_TIME
    auditor_since: date | None = None
    moderator_since: date | None = None
    manager_id: str | None = None
    external: bool = False
    leaving_on: date | None = None
    left_on: date | None = None
    only_if_new: bool = False

    def facts(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "role": self.role, "team": self.team,
                "working_pattern": self.working_pattern, "auditor_since": self.auditor_since,
                "moderator_since": self.moderator_since, "manager_id": self.manager_id,
                "external": self.external, "leaving_on": self.leaving_on}


@dataclass(frozen=True)
class AllocateCase:
    """A person's request to allocate a case by hand."""

    allocation_id: uuid.UUID
    case_id: uuid.UUID
    auditor_id: str
    month: str
    reason: str | None = None


@dataclass(frozen=True)
class Allocate:
    """An allocation with what the other streams say: the cycle, the case, and the
    auditor as the pool stood in the cycle's month (None where there is none)."""

    allocation_id: uuid.UUID
    cycle: Cycle
    case: CaseRecorded | None
    auditor_id: str
    auditor: StaffMemberRecorded | None
    exempted: bool = False
    reason: str | None = None  # by hand: why


@dataclass(frozen=True)
class Reallocate:
    cycle: Cycle
    case: CaseRecorded | None
    auditor_id: str
    auditor: StaffMemberRecorded | None
    reason: ReallocationReason
    exempted: bool = False


@dataclass(frozen=True)
class RecordRun:
    allocated: int
    unplaced: tuple[Unplaced, ...]
    resting: tuple[str, ...]


@dataclass(frozen=True)
class RecordReturn:
    allocation_id: uuid.UUID
    audit_id: uuid.UUID
    submission: int
    late: bool


@dataclass(frozen=True)
class RecordNilReturn:
    pass


@dataclass(frozen=True)
class CloseCycle:
    today: date
    counts: Counts
    scheduled: bool = False


@dataclass(frozen=True)
class RequestExemption:
    exemption_id: uuid.UUID
    cycle_id: uuid.UUID
    month: str
    person_id: str
    kind: ExemptionKind
    in_pool: bool
    note: str | None = None


@dataclass(frozen=True)
class DecideExemption:
    authorise: bool
    by: str
    role: str


@dataclass(frozen=True)
class RestPartTimer:
    """A part-timer's month off (they audit every other month): recorded as a
    non-operational exemption by the allocation run."""

    exemption_id: uuid.UUID
    cycle_id: uuid.UUID
    month: str
    person_id: str

"""The allocation service's internal events: they stay in its store. What other services
act on is in `shared/events/allocation.py`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import service_registry
from shared.events.common import ChildRef, LegalStatus, Month, PersonId, Team
from shared.events.vocabulary import CaseFlag, ExemptionKind, SelectionReason, ToolId
from shared.kernel.contracts import EventContract, PersonalData
from shared.kernel.identifiers import Slug

# A case-management system's case reference: a case number, so personal data. It stays
# in this service's store and read models and never reaches a stream id or the wire.
CaseRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,40}$"), PersonalData()]
# A person's words about why (an exemption, a manual allocation): may name people.
Note = Annotated[str, Field(min_length=1, max_length=2000), PersonalData()]
OwnTeamAudits = Literal["forbidden", "allowed"]
CaseChange = Literal["registered", "status-changed", "moved-team", "worker-changed",
                     "flags-changed", "dates-changed", "closed", "reopened"]


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaseRegistered(EventContract):
    """Before the register kept the whole record (stored events still read)."""

    type_name = "CaseRegistered"
    case_id: uuid.UUID
    child_ref: ChildRef
    legal_status: LegalStatus
    team: Team


class AuditorRegistered(EventContract):
    """Before the staff directory (stored events still read): a trained auditor."""

    type_name = "AuditorRegistered"
    auditor_id: PersonId
    team: Team


class CaseRecorded(EventContract):
    """A case in the register as it now stands (the whole record each time); `changes`
    says what this record changed. The service area is the envelope's."""

    type_name = "CaseRecorded"
    case_id: uuid.UUID
    changes: list[CaseChange]
    case_ref: CaseRef | None = None
    child_ref: ChildRef
    team: Team
    legal_status: LegalStatus
    social_worker_id: PersonId | None = None
    manager_id: PersonId | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    flags: list[CaseFlag] = []


class CycleTermsRecorded(EventContract):
    """The terms a cycle was opened on, so each allocation's rules are evidenced: the
    authority's own-team policy, core audits per auditor, who moderates this month."""

    type_name = "CycleTermsRecorded"
    cycle_id: uuid.UUID
    own_team_audits: OwnTeamAudits
    audits_per_auditor: Annotated[int, Field(ge=1, le=10)] = 1
    moderating: list[PersonId] = []


class DrawnCase(Value):
    case_id: uuid.UUID
    selection: SelectionReason
    theme: Slug | None = None
    audit_tool: ToolId
    why: str


class Shortfall(Value):
    what: str
    wanted: int
    found: int


class CasesDrawn(EventContract):
    """The cycle's draw: every case chosen, and why; every part of the rules that found
    too few cases. With the rules and seed on AuditCycleOpened it can be drawn again."""

    type_name = "CasesDrawn"
    cycle_id: uuid.UUID
    register_size: Annotated[int, Field(ge=0)]
    selected: list[DrawnCase]
    shortfalls: list[Shortfall] = []


class Unplaced(Value):
    case_id: uuid.UUID
    reason: str


class AllocationRunRecorded(EventContract):
    """An automatic allocation pass: how many it placed, each case it could not place
    and why, and the part-timers resting this month."""

    type_name = "AllocationRunRecorded"
    cycle_id: uuid.UUID
    allocated: Annotated[int, Field(ge=0)]
    unplaced: list[Unplaced] = []
    resting: list[PersonId] = []


class AllocatedByHand(EventContract):
    """Why a case was allocated by hand rather than by the draw."""

    type_name = "AllocatedByHand"
    allocation_id: uuid.UUID
    reason: Note


class AuditReturnRecorded(EventContract):
    """The audit service said this allocation's audit was submitted (AuditSubmitted)."""

    type_name = "AuditReturnRecorded"
    allocation_id: uuid.UUID
    audit_id: uuid.UUID
    submission: Annotated[int, Field(ge=1)]
    late: bool


class ExemptionRequested(EventContract):
    type_name = "ExemptionRequested"
    exemption_id: uuid.UUID
    cycle_id: uuid.UUID
    month: Month
    person_id: PersonId
    kind: ExemptionKind
    non_operational: bool
    note: Note | None = None


class ExemptionRefused(EventContract):
    """A director refused an operational exemption: the person audits as allocated."""

    type_name = "ExemptionRefused"
    exemption_id: uuid.UUID
    person_id: PersonId
    month: Month
    refused_by: PersonId


INTERNAL: list[type[EventContract]] = [
    CaseRegistered, AuditorRegistered, CaseRecorded, CycleTermsRecorded, CasesDrawn,
    AllocationRunRecorded, AllocatedByHand, AuditReturnRecorded, ExemptionRequested,
    ExemptionRefused,
]
REGISTRY = service_registry(*INTERNAL)

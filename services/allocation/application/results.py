"""What the allocation use cases answer, as typed results (the HTTP adapter serialises them)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel

from services.allocation.domain.events import DrawnCase, OwnTeamAudits, Shortfall, Unplaced
from shared.events.allocation import CaseAllocated
from shared.events.common import LegalStatus
from shared.events.vocabulary import ExemptionKind


class OpenedCycle(BaseModel):
    cycle_id: uuid.UUID
    service_area: str
    month: str
    return_deadline: date
    auditors_in_pool: int
    own_team_audits: OwnTeamAudits
    seed: int | None = None
    drawn: list[DrawnCase] = []
    shortfalls: list[Shortfall] = []


class RegisteredCase(BaseModel):
    case_id: uuid.UUID
    child_ref: str
    legal_status: LegalStatus
    team: str


class RegisteredAuditor(BaseModel):
    auditor_id: str
    team: str


class Imported(BaseModel):
    rows: int
    recorded: int  # events written: rows that changed something (several for a person)
    unchanged: int


class AllocationRun(BaseModel):
    allocated: list[CaseAllocated]
    unplaced: list[Unplaced]
    resting: list[str]


class Reallocated(BaseModel):
    allocation_id: uuid.UUID
    from_auditor_id: str
    auditor_id: str
    reason: str


class ExemptionAnswer(BaseModel):
    exemption_id: uuid.UUID
    person_id: str
    month: str
    kind: ExemptionKind
    non_operational: bool
    status: str  # "counted", "awaiting a director", "refused"
    authorised_by: str | None = None


class Closed(BaseModel):
    cycle_id: uuid.UUID
    month: str
    nil_returns_recorded: int
    closed_now: bool

"""What people ask the allocation service to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from services.allocation.domain.events import AuditorRegistered, CaseRegistered
from shared.events.allocation import AuditCycleOpened
from shared.events.common import LegalStatus


@dataclass(frozen=True)
class OpenCycle:
    cycle_id: uuid.UUID
    month: str
    return_deadline: date
    # The London day it is opened on: the domain never reads the clock.
    today: date


@dataclass(frozen=True)
class RegisterCase:
    case_id: uuid.UUID
    child_ref: str
    legal_status: LegalStatus
    team: str


@dataclass(frozen=True)
class RegisterAuditor:
    auditor_id: str
    team: str


@dataclass(frozen=True)
class AllocateCase:
    allocation_id: uuid.UUID
    case_id: uuid.UUID
    auditor_id: str
    month: str


@dataclass(frozen=True)
class Allocate:
    """AllocateCase with what the other streams say: the cycle, the case, the auditor
    (None where that stream is empty)."""

    allocation_id: uuid.UUID
    cycle: AuditCycleOpened | None
    case: CaseRegistered | None
    auditor: AuditorRegistered | None

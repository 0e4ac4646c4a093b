"""What people ask the allocation service to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from shared.events.common import LegalStatus


@dataclass(frozen=True)
class OpenCycle:
    cycle_id: uuid.UUID
    month: str
    return_deadline: date


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

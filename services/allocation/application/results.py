"""What the allocation use cases answer, as typed results (the HTTP adapter serialises them)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel

from shared.events.common import LegalStatus


class OpenedCycle(BaseModel):
    cycle_id: uuid.UUID
    service_area: str
    month: str
    return_deadline: date


class RegisteredCase(BaseModel):
    case_id: uuid.UUID
    child_ref: str
    legal_status: LegalStatus
    team: str


class RegisteredAuditor(BaseModel):
    auditor_id: str
    team: str

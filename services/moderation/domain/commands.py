"""What the moderation service is asked to do (imperative), as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from shared.events.common import Grade

Outcome = Literal["agreed", "grade-changed"]


@dataclass(frozen=True)
class QueueAudit:
    audit_id: uuid.UUID
    month: str
    auditor_id: str
    submitted_grade: Grade


@dataclass(frozen=True)
class ModerateAudit:
    audit_id: uuid.UUID
    moderator_id: str
    outcome: Outcome
    moderated_grade: Grade | None = None
    rationale: str = ""


ModerationCommand = QueueAudit | ModerateAudit

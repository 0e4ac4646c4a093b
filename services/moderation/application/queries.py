"""What the moderation service answers about its read models (a port), and the answers
built from them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from services.moderation.domain.calibration import Decision
from services.moderation.domain.scale import scale_of
from shared.events.common import Grade

Status = Literal["not-sampled", "awaiting", "returned", "moderated"]


class ModerationQueries(Protocol):
    async def service_area_of(self, audit_id: uuid.UUID) -> str | None:
        """The audit's service area; None if the audit has not reached moderation."""
        ...

    async def concern_area(self, concern_id: uuid.UUID) -> str | None: ...

    async def queue(self, service_area: str, status: Status | None,
                    moderator: str | None) -> list[dict[str, Any]]: ...

    async def audit(self, audit_id: uuid.UUID) -> dict[str, Any] | None:
        """The queue row with `grades`: each element's (and overall's) row in order."""
        ...

    async def policy(self, service_area: str) -> dict[str, Any] | None: ...

    async def pool(self, service_area: str) -> list[dict[str, Any]]:
        """The area's staff records with `open_moderations` each."""
        ...

    async def decisions(self, service_area: str, month: str | None) -> list[Decision]: ...


class GradeLine(BaseModel):
    element: str  # an element id, or "overall"
    auditor_grade: Grade
    moderated_grade: Grade | None = None
    rationale: str | None = None
    can_change_to: list[Grade]


class ModerationView(BaseModel):
    """An audit as its moderator sees it: the auditor's grades beside what may change."""

    audit_id: uuid.UUID
    service_area: str
    month: str
    status: Status
    submission: int
    auditor_id: str
    child_ref: str | None
    legal_status: str | None
    case_team: str | None
    audit_tool: str | None
    scale: str
    sample_reasons: list[str]
    seed: int | None
    moderator_id: str | None
    external_moderator: bool
    waiting_reasons: list[str]
    outcome: str | None
    returned_reasons: str | None
    grades: list[GradeLine]


def view(row: dict[str, Any]) -> ModerationView:
    lines: Sequence[dict[str, Any]] = row["grades"] or [
        {"element": "overall", "auditor_grade": row["submitted_grade"],
         "moderated_grade": row["moderated_grade"], "rationale": None}]
    name, scale = scale_of(row["audit_tool"] or "legacy-overall",
                           [Grade(line["auditor_grade"]) for line in lines])
    return ModerationView(
        audit_id=row["audit_id"], service_area=row["service_area"], month=row["month"],
        status=row["status"], submission=row["submission"], auditor_id=row["auditor_id"],
        child_ref=row["child_ref"], legal_status=row["legal_status"],
        case_team=row["case_team"], audit_tool=row["audit_tool"], scale=name,
        sample_reasons=list(row["sample_reasons"]), seed=row["seed"],
        moderator_id=row["assigned_to"] or row["moderator_id"],
        external_moderator=row["assigned_external"],
        waiting_reasons=list(row["waiting_reasons"]), outcome=row["outcome"],
        returned_reasons=row["returned_reasons"],
        grades=[GradeLine(element=line["element"], auditor_grade=line["auditor_grade"],
                          moderated_grade=line["moderated_grade"], rationale=line["rationale"],
                          can_change_to=[g for g in scale if g.value != line["auditor_grade"]])
                for line in lines])

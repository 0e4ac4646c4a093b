"""HTTP routes for moderations: the queue, one audit beside what may change, recording
the outcome, and reassignment. Parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.moderation.application import moderate_audit, reassign
from services.moderation.application.moderate_audit import ModeratedAudit
from services.moderation.application.queries import (
    ModerationQueries,
    ModerationView,
    Status,
    view,
)
from services.moderation.application.reassign import Reassign, Reassignment
from services.moderation.domain.commands import OVERALL, Change, ConcernDecision, ModerateAudit
from services.moderation.domain.rules import (
    BELOW_STANDARD_SAYS_WHY,
    CHANGES_NAME_A_GRADE,
    CHANGES_ONLY_WHEN_CHANGING,
    EACH_CHANGE_HAS_A_RATIONALE,
    REASONS_ONLY_WHEN_BELOW_STANDARD,
)
from shared.events.common import Grade
from shared.events.vocabulary import ConcernImmediacy, ConcernNature
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaQuery, CommandsDep, provider
from shared.http.fields import LongText, Text
from shared.http.problems import problems
from shared.http.validation import enforce
from shared.kernel.errors import NotFound
from shared.kernel.identifiers import PersonId, Slug

router = APIRouter()
GRADES = {grade.value for grade in Grade}
queries = provider(ModerationQueries)
QueriesDep = Annotated[ModerationQueries, Depends(queries)]


def _stated(text: str) -> str:
    if not text.strip():
        raise ValueError("a changed grade needs a rationale")
    return text


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChangeRequest(Request):
    grade: Grade
    rationale: Annotated[LongText, AfterValidator(_stated)]


class ConcernRequest(Request):
    """The moderator's Child of Concern decision, when changing an audit to inadequate."""

    category: Literal[1, 2]
    reason: Text
    nature: list[ConcernNature] = []
    immediacy: ConcernImmediacy | None = None


class ModerateRequest(Request):
    """agreed; grades-changed with `changes` ({"risk": {"grade": ..., "rationale": ...},
    "overall": ...}); or below-standard with `reasons` (returned for rework). The shape
    before element grades, outcome "grade-changed" with `moderated_grade` and `rationale`,
    is still taken as a change of the overall grade."""

    outcome: Literal["agreed", "grades-changed", "below-standard", "grade-changed"]
    moderated_grade: Annotated[Grade | None, Field(validate_default=True)] = None
    # validate_default: the rules below must also run when a field is left out.
    changes: Annotated[dict[Slug, ChangeRequest], Field(validate_default=True)] = {}
    reasons: Annotated[LongText, Field(validate_default=True)] = ""
    rationale: LongText = ""
    child_of_concern: ConcernRequest | None = None

    _changes_named = enforce(CHANGES_NAME_A_GRADE)
    _changes_only_when_changing = enforce(CHANGES_ONLY_WHEN_CHANGING)
    _each_change_has_a_rationale = enforce(EACH_CHANGE_HAS_A_RATIONALE)
    _below_standard_says_why = enforce(BELOW_STANDARD_SAYS_WHY)
    _reasons_only_when_below_standard = enforce(REASONS_ONLY_WHEN_BELOW_STANDARD)

    @model_validator(mode="before")
    @classmethod
    def _overall_change_as_before(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        grade = data.get("moderated_grade")
        if data.get("outcome") != "grade-changed" or grade not in GRADES or "changes" in data:
            return data  # anything amiss is refused below, naming the field
        overall = {"grade": grade, "rationale": data.get("rationale", "")}
        return {**{k: v for k, v in data.items() if k != "moderated_grade"},
                "outcome": "grades-changed", "changes": {OVERALL: overall}}

    @field_validator("moderated_grade")
    @classmethod
    def _only_as_before(cls, grade: Grade | None, info: ValidationInfo) -> Grade | None:
        if info.data.get("outcome") == "grade-changed":
            raise ValueError("a grade change names the new grade (moderated_grade)")
        if grade is not None:
            raise ValueError("moderated_grade goes only with the outcome grade-changed: "
                             "name changes instead")
        return grade

    def command(self, audit_id: uuid.UUID, person: str, role: str) -> ModerateAudit:
        concern = self.child_of_concern
        assert self.outcome != "grade-changed"  # taken as grades-changed, or refused
        return ModerateAudit(
            audit_id, person, self.outcome, role=role,
            changes={element: Change(c.grade, c.rationale) for element, c in self.changes.items()},
            reasons=self.reasons, rationale=self.rationale,
            child_of_concern=None if concern is None else ConcernDecision(
                concern.category, concern.reason, tuple(concern.nature), concern.immediacy))


class ReassignRequest(Request):
    moderator_id: PersonId | None = Field(
        default=None, description="who takes it; left out, the pool chooses (lightest load)")
    reason: Text


async def area_of(audit_id: uuid.UUID, queries: ModerationQueries) -> str:
    # The body does not name a service area: the audit's own is the one its moderation
    # events belong to. The row commits with the audit's first event here.
    service_area = await queries.service_area_of(audit_id)
    if service_area is None:
        raise NotFound("no such audit has reached moderation")
    return service_area


@router.post("/moderations/{audit_id}", status_code=201, tags=["moderation"],
             responses=problems(403, 404, 409, 422))
async def moderate_an_audit(audit_id: uuid.UUID, body: ModerateRequest, commands: CommandsDep,
                            queries: QueriesDep, asked: AskingDep) -> ModeratedAudit:
    """The assigned moderator (or the Head of Quality) agrees the audit, changes grades
    (each with a rationale), or returns it below the required standard."""
    service_area = await area_of(audit_id, queries)
    command = body.command(audit_id, asked.actor.person_id, asked.actor.role)
    context = asked.command("ModerateAudit", service_area, body, path={"audit_id": audit_id})
    return await commands.run(context, partial(moderate_audit.handle, command), ModeratedAudit)


@router.post("/moderations/{audit_id}/reassignment", status_code=201, tags=["moderation"],
             responses=problems(403, 404, 409, 422))
async def reassign_a_moderation(audit_id: uuid.UUID, body: ReassignRequest,
                                commands: CommandsDep, queries: QueriesDep,
                                asked: AskingDep) -> Reassignment:
    """The QA team moves a moderation to another moderator, or assigns one waiting."""
    service_area = await area_of(audit_id, queries)
    command = Reassign(audit_id, body.moderator_id, body.reason, asked.actor.role)
    context = asked.command("ReassignModeration", service_area, body,
                            path={"audit_id": audit_id})
    return await commands.run(context, partial(reassign.handle, command), Reassignment)


@router.get("/moderations", tags=["moderation"], responses=problems(404, 422))
async def moderation_queue(service_area: AreaQuery, queries: QueriesDep, actor: ActorDep,
                           status: Status | None = None, moderator: PersonId | None = None,
                           mine: bool = False) -> list[dict[str, Any]]:
    """The service area's audits in moderation: by status, by moderator, or yours."""
    return await queries.queue(service_area, status, actor.person_id if mine else moderator)


@router.get("/moderations/{audit_id}", tags=["moderation"], responses=problems(404, 422))
async def show_a_moderation(audit_id: uuid.UUID, queries: QueriesDep,
                            actor: ActorDep) -> ModerationView:
    """An audit in moderation: the auditor's grades beside what each may change to."""
    row = await queries.audit(audit_id)
    if row is None:
        raise NotFound("no such audit has reached moderation")
    return view(row)

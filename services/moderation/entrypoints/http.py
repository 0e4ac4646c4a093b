"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.moderation.application import moderate_audit
from services.moderation.application.moderate_audit import ModeratedAudit
from services.moderation.application.queries import ModerationQueries, Status
from services.moderation.domain.commands import ModerateAudit
from services.moderation.domain.rules import (
    GRADE_CHANGE_HAS_A_RATIONALE,
    GRADE_CHANGE_NAMES_THE_GRADE,
)
from shared.events.common import Grade
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaQuery, CommandsDep, provider
from shared.http.fields import LongText
from shared.http.problems import problems
from shared.http.validation import enforce
from shared.kernel.errors import NotFound

router = APIRouter()
queries = provider(ModerationQueries)
QueriesDep = Annotated[ModerationQueries, Depends(queries)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModerateRequest(Request):
    outcome: Literal["agreed", "grade-changed"]
    # validate_default: the rules below must also run when a field is left out.
    moderated_grade: Annotated[Grade | None, Field(validate_default=True)] = None
    rationale: Annotated[LongText, Field(validate_default=True)] = ""

    _names_the_grade = enforce(GRADE_CHANGE_NAMES_THE_GRADE)
    _has_a_rationale = enforce(GRADE_CHANGE_HAS_A_RATIONALE)

    @field_validator("moderated_grade")
    @classmethod
    def _no_grade_when_agreeing(cls, grade: Grade | None, info: ValidationInfo) -> Grade | None:
        # A request shape, not a rule: agreeing keeps the submitted grade, so naming one
        # can only be a mistake the person should hear about.
        if info.data.get("outcome") == "agreed" and grade is not None:
            raise ValueError("moderated_grade must be left out when the outcome is agreed")
        return grade


@router.post("/moderations/{audit_id}", status_code=201, tags=["moderation"],
             responses=problems(403, 404, 409))
async def moderate_an_audit(audit_id: uuid.UUID, body: ModerateRequest, commands: CommandsDep,
                            queries: QueriesDep, asked: AskingDep) -> ModeratedAudit:
    """Someone other than the auditor agrees the audit's grade or changes it."""
    # The body does not name a service area: the queued audit's own is the one its
    # moderation events belong to. The queue row commits with the queuing event, so a
    # missing row means the audit is not queued.
    service_area = await queries.service_area_of(audit_id)
    if service_area is None:
        raise NotFound("no such audit is queued for moderation")
    command = ModerateAudit(audit_id, asked.actor.person_id, body.outcome,
                            body.moderated_grade, body.rationale)
    context = asked.command("ModerateAudit", service_area, body, path={"audit_id": audit_id})
    return await commands.run(context, partial(moderate_audit.handle, command), ModeratedAudit)


@router.get("/moderations", tags=["moderation"], responses=problems(404))
async def moderation_queue(service_area: AreaQuery, queries: QueriesDep, actor: ActorDep,
                           status: Status | None = None) -> list[dict[str, Any]]:
    """The audits of a service area awaiting moderation, or moderated."""
    return await queries.queue(service_area, status)

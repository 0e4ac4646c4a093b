"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.moderation.adapters import read_models
from services.moderation.application import moderate_audit
from services.moderation.domain.commands import ModerateAudit
from shared.domain import NotFound
from shared.events.common import Grade
from shared.identifiers import SLUG_PATTERN
from shared.service.dependencies import ActorDep, RuntimeDep
from shared.service.http import CorrelationId, IdempotencyKey, command_context, respond

router = APIRouter()


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModerateRequest(Request):
    outcome: Literal["agreed", "grade-changed"]
    # validate_default: the cross-field rules below must also run when a field is left out.
    moderated_grade: Annotated[Grade | None, Field(validate_default=True)] = None
    rationale: Annotated[str, Field(max_length=4000, validate_default=True)] = ""

    # Field validators rather than one model validator, so that a 422 names the field in
    # its `loc`; `outcome` is declared first, so it is in info.data once it is valid.
    @field_validator("moderated_grade")
    @classmethod
    def _grade_matches_outcome(cls, grade: Grade | None, info: ValidationInfo) -> Grade | None:
        outcome = info.data.get("outcome")
        if outcome == "grade-changed" and grade is None:
            raise ValueError("moderated_grade is required when the outcome is grade-changed")
        if outcome == "agreed" and grade is not None:
            raise ValueError("moderated_grade must be left out when the outcome is agreed")
        return grade

    @field_validator("rationale")
    @classmethod
    def _rationale_for_a_change(cls, rationale: str, info: ValidationInfo) -> str:
        if info.data.get("outcome") == "grade-changed" and not rationale.strip():
            raise ValueError("rationale is required when the outcome is grade-changed")
        return rationale


@router.post("/moderations/{audit_id}", status_code=201, tags=["moderation"])
async def moderate_an_audit(audit_id: uuid.UUID, body: ModerateRequest, runtime: RuntimeDep,
                            actor: ActorDep, idempotency_key: IdempotencyKey = None,
                            correlation_id: CorrelationId = None) -> JSONResponse:
    # The body does not name a service area: the queued audit's own is the one its
    # moderation events belong to. The queue row commits with the queuing event, so a
    # missing row means the audit is not queued.
    service_area = await read_models.service_area_of(runtime.pool, audit_id)
    if service_area is None:
        raise NotFound("no such audit is queued for moderation")
    command = ModerateAudit(audit_id, actor.person_id, body.outcome, body.moderated_grade,
                            body.rationale)
    context = command_context("ModerateAudit", actor, service_area, body, idempotency_key,
                              correlation_id, path={"audit_id": audit_id})
    return respond(await runtime.commands.run(
        context, lambda unit: moderate_audit.handle(command, unit=unit)))


@router.get("/moderations", tags=["moderation"])
async def moderation_queue(
    service_area: Annotated[str, Query(pattern=SLUG_PATTERN)],
    runtime: RuntimeDep,
    status: Literal["awaiting", "moderated"] | None = None,
) -> list[dict[str, Any]]:
    return await read_models.list_queue(runtime.pool, service_area, status)

"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.audit.adapters import read_models
from services.audit.application import submit_audit
from services.audit.domain.audit import may_read
from services.audit.domain.commands import RaiseAction, RaiseChildOfConcern, SubmitAudit
from shared.events.common import Grade, PersonId
from shared.identifiers import Slug
from shared.service.dependencies import ActorDep, RuntimeDep
from shared.service.http import CorrelationId, IdempotencyKey, command_context, respond

router = APIRouter()

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionRequest(Request):
    description: Text
    owner_id: PersonId
    due_date: date


class ChildOfConcernRequest(Request):
    category: Literal[1, 2]
    reason: Text


class SubmitAuditRequest(Request):
    overall_grade: Grade
    action: ActionRequest
    child_of_concern: ChildOfConcernRequest | None = None

    # A field validator rather than a model validator, so the 422 names child_of_concern.
    @field_validator("child_of_concern")
    @classmethod
    def only_when_inadequate(
        cls, value: ChildOfConcernRequest | None, info: ValidationInfo
    ) -> ChildOfConcernRequest | None:
        grade = info.data.get("overall_grade")
        if value is not None and grade is not None and grade is not Grade.INADEQUATE:
            raise ValueError(
                "a Child of Concern may be raised only on an audit graded inadequate"
            )
        return value


@router.post("/audits/{audit_id}/submission", status_code=201, tags=["audits"])
async def submit_an_audit(audit_id: uuid.UUID, body: SubmitAuditRequest, runtime: RuntimeDep,
                          actor: ActorDep, idempotency_key: IdempotencyKey = None,
                          correlation_id: CorrelationId = None) -> JSONResponse:
    # The events of a submission belong to the audit's service area, which only the
    # audit knows: the request does not (and must not have to) repeat it.
    service_area = await read_models.service_area_of(runtime.pool, audit_id)
    if service_area is None:
        raise HTTPException(404, "no such audit has been assigned")
    concern = body.child_of_concern
    command = SubmitAudit(
        audit_id=audit_id,
        submitted_by=actor.person_id,
        overall_grade=body.overall_grade,
        action=RaiseAction(uuid.uuid4(), body.action.description, body.action.owner_id,
                           body.action.due_date),
        child_of_concern=(
            RaiseChildOfConcern(uuid.uuid4(), concern.category, concern.reason)
            if concern is not None else None
        ),
    )
    context = command_context("SubmitAudit", actor, service_area, body, idempotency_key,
                              correlation_id, path={"audit_id": audit_id})
    return respond(await runtime.commands.run(
        context, lambda unit: submit_audit.handle(command, unit=unit)))


@router.get("/audits", tags=["audits"])
async def my_audits(runtime: RuntimeDep, actor: ActorDep,
                    service_area: Slug | None = None) -> list[dict[str, Any]]:
    return await read_models.audits_of(runtime.pool, actor.person_id, service_area)


@router.get("/audits/{audit_id}", tags=["audits"])
async def show_audit(audit_id: uuid.UUID, runtime: RuntimeDep,
                     actor: ActorDep) -> dict[str, Any]:
    view = await read_models.audit_view(runtime.pool, audit_id)
    if view is None:
        raise HTTPException(404, "no such audit has been assigned")
    if not may_read(view["auditor_id"], actor.person_id, actor.role):
        raise HTTPException(403, "this audit is available to its auditor and quality staff only")
    return view

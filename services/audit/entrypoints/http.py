"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from services.audit.application import submit_audit
from services.audit.application.queries import AuditQueries
from services.audit.application.submit_audit import SubmittedAudit
from services.audit.domain.commands import RaiseAction, RaiseChildOfConcern, SubmitAudit
from services.audit.domain.rules import CONCERN_ONLY_WHEN_INADEQUATE, may_read
from shared.events.common import Grade, PersonId
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import CommandsDep, provider
from shared.http.validation import enforce
from shared.kernel.identifiers import Slug

router = APIRouter()
queries = provider(AuditQueries)
QueriesDep = Annotated[AuditQueries, Depends(queries)]

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

    _concern_only_when_inadequate = enforce(CONCERN_ONLY_WHEN_INADEQUATE)


@router.post("/audits/{audit_id}/submission", status_code=201, tags=["audits"])
async def submit_an_audit(audit_id: uuid.UUID, body: SubmitAuditRequest,
                          commands: CommandsDep, queries: QueriesDep,
                          asked: AskingDep) -> SubmittedAudit:
    # The events of a submission belong to the audit's service area, which only the
    # audit knows: the request does not (and must not have to) repeat it.
    service_area = await queries.service_area_of(audit_id)
    if service_area is None:
        raise HTTPException(404, "no such audit has been assigned")
    concern = body.child_of_concern
    command = SubmitAudit(
        audit_id=audit_id,
        submitted_by=asked.actor.person_id,
        overall_grade=body.overall_grade,
        action=RaiseAction(uuid.uuid4(), body.action.description, body.action.owner_id,
                           body.action.due_date),
        child_of_concern=(
            RaiseChildOfConcern(uuid.uuid4(), concern.category, concern.reason)
            if concern is not None else None
        ),
    )
    context = asked.command("SubmitAudit", service_area, body, path={"audit_id": audit_id})
    return await commands.run(context, partial(submit_audit.handle, command), SubmittedAudit)


@router.get("/audits", tags=["audits"])
async def my_audits(queries: QueriesDep, actor: ActorDep,
                    service_area: Slug | None = None) -> list[dict[str, Any]]:
    return await queries.audits_of(actor.person_id, service_area)


@router.get("/audits/{audit_id}", tags=["audits"])
async def show_audit(audit_id: uuid.UUID, queries: QueriesDep,
                     actor: ActorDep) -> dict[str, Any]:
    view = await queries.audit(audit_id)
    if view is None:
        raise HTTPException(404, "no such audit has been assigned")
    if not may_read(view["auditor_id"], actor.person_id, actor.role):
        raise HTTPException(403, "this audit is available to its auditor and quality staff only")
    return view

"""HTTP routes: parse, build a command, hand it to its use case."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from types import SimpleNamespace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from services.audit.application import submit_audit
from services.audit.application.queries import AuditQueries
from services.audit.application.submit_audit import SubmittedAudit
from services.audit.domain.commands import RaiseAction, RaiseChildOfConcern, SubmitAudit
from services.audit.domain.rules import (
    ACTION_DUE_IN_REACH,
    CONCERN_ONLY_WHEN_INADEQUATE,
    may_read,
)
from shared.events.common import Grade, PersonId
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreasDep, ClockDep, CommandsDep, known_area, provider
from shared.http.fields import Text
from shared.http.problems import problems
from shared.http.validation import check_at_edge, enforce
from shared.kernel.clock import london_date
from shared.kernel.errors import Forbidden, NotFound
from shared.kernel.identifiers import SLUG_PATTERN

router = APIRouter()
queries = provider(AuditQueries)
QueriesDep = Annotated[AuditQueries, Depends(queries)]
NOT_ASSIGNED = "no such audit has been assigned"


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


@router.post("/audits/{audit_id}/submission", status_code=201, tags=["audits"],
             responses=problems(403, 404, 409))
async def submit_an_audit(audit_id: uuid.UUID, body: SubmitAuditRequest,
                          commands: CommandsDep, queries: QueriesDep, asked: AskingDep,
                          clock: ClockDep) -> SubmittedAudit:
    """The assigned auditor submits their audit: its grade, an action and, on an
    inadequate grade, any Child of Concern."""
    # The events of a submission belong to the audit's service area, which only the
    # audit knows: the request does not (and must not have to) repeat it.
    audit = await queries.audit(audit_id)
    if audit is None:
        raise NotFound(NOT_ASSIGNED)
    check_at_edge(ACTION_DUE_IN_REACH, SimpleNamespace(
        due_date=body.action.due_date, month=audit["month"], today=london_date(clock.now())),
        ("body", "action", "due_date"))
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
    context = asked.command("SubmitAudit", audit["service_area"], body,
                            path={"audit_id": audit_id})
    return await commands.run(context, partial(submit_audit.handle, command), SubmittedAudit)


@router.get("/audits", tags=["audits"], responses=problems(404))
async def my_audits(
    queries: QueriesDep, actor: ActorDep, areas: AreasDep,
    service_area: Annotated[str | None, Query(pattern=SLUG_PATTERN)] = None,
) -> list[dict[str, Any]]:
    """The audits assigned to the person asking, newest first."""
    if service_area is not None:
        known_area(areas, service_area)
    return await queries.audits_of(actor.person_id, service_area)


@router.get("/audits/{audit_id}", tags=["audits"], responses=problems(403, 404))
async def show_audit(audit_id: uuid.UUID, queries: QueriesDep,
                     actor: ActorDep) -> dict[str, Any]:
    """One audit, to its auditor and to quality staff."""
    view = await queries.audit(audit_id)
    if view is None:
        raise NotFound(NOT_ASSIGNED)
    if not may_read(view["auditor_id"], actor.person_id, actor.role):
        raise Forbidden("this audit is available to its auditor and quality staff only")
    return view

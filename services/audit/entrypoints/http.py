"""HTTP routes for doing an audit: parse, build a command, hand it to its use case; and
the audit as its auditor, quality staff and moderators read it."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from services.audit.application import save_draft, start_audit, submit_audit
from services.audit.application.queries import AuditQueries
from services.audit.application.save_draft import SavedDraft
from services.audit.application.start_audit import StartedAudit
from services.audit.application.submit_audit import SubmittedAudit
from services.audit.domain.commands import SaveDraft, StartAudit, SubmitAudit
from services.audit.domain.content import Draft, Submission
from services.audit.domain.doing import NOT_ASSIGNED
from services.audit.domain.rules import may_read, may_read_submitted
from services.audit.domain.tools import ToolCatalogue
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreasDep, CommandsDep, known_area, provider
from shared.http.problems import problems
from shared.kernel.errors import Forbidden, NotFound
from shared.kernel.identifiers import SLUG_PATTERN

router = APIRouter(tags=["audits"])
queries = provider(AuditQueries)
tools = provider(ToolCatalogue)
QueriesDep = Annotated[AuditQueries, Depends(queries)]
ToolsDep = Annotated[ToolCatalogue, Depends(tools)]
# Not for the auditor's eyes only: once submitted, moderators read what was submitted.
UNSUBMITTED = {"assigned", "in-progress"}


class NoBody(BaseModel):
    pass


async def area_of(queries: AuditQueries, audit_id: uuid.UUID) -> str:
    # The events of an audit belong to its service area, which only the audit knows: the
    # request does not (and must not have to) repeat it.
    area = await queries.service_area_of(audit_id)
    if area is None:
        raise NotFound(NOT_ASSIGNED)
    return area


@router.post("/audits/{audit_id}/start", status_code=201, responses=problems(403, 404, 409))
async def start_an_audit(audit_id: uuid.UUID, commands: CommandsDep, queries: QueriesDep,
                         tools: ToolsDep, asked: AskingDep) -> StartedAudit:
    """The assigned auditor starts the audit (saving a draft or submitting starts it too).
    Refused (409) while the audit's tool is not loaded."""
    context = asked.command("StartAudit", await area_of(queries, audit_id), NoBody(),
                            path={"audit_id": audit_id})
    command = StartAudit(audit_id, asked.actor.person_id)
    return await commands.run(context, partial(start_audit.handle, command, tools),
                              StartedAudit)


@router.post("/audits/{audit_id}/draft", status_code=201, responses=problems(403, 404, 409))
async def save_a_draft(audit_id: uuid.UUID, body: Draft, commands: CommandsDep,
                       queries: QueriesDep, tools: ToolsDep, asked: AskingDep) -> SavedDraft:
    """The assigned auditor saves part of the audit: only the fields sent change (answers,
    element grades and engagement key by key; null removes one). Answers and grades must
    fit the audit's tool (422 naming each field otherwise)."""
    context = asked.command("SaveDraft", await area_of(queries, audit_id), body,
                            path={"audit_id": audit_id})
    command = SaveDraft(audit_id, asked.actor.person_id, body)
    return await commands.run(context, partial(save_draft.handle, command, tools), SavedDraft)


@router.post("/audits/{audit_id}/submission", status_code=201,
             responses=problems(403, 404, 409))
async def submit_an_audit(audit_id: uuid.UUID, body: Submission, commands: CommandsDep,
                          queries: QueriesDep, tools: ToolsDep,
                          asked: AskingDep) -> SubmittedAudit:
    """The assigned auditor submits the audit, or resubmits it after moderation returned
    it. Checked against the tool version the audit is pinned to: every mandatory answer, a
    grade per element on the tool's scale, an overall grade no better than a limiting
    element allows, the Child of Concern decision exactly when the overall grade is
    Inadequate, engagement, learning themes, actions. A refusal (422) names every field at
    fault and records nothing."""
    context = asked.command("SubmitAudit", await area_of(queries, audit_id), body,
                            path={"audit_id": audit_id})
    command = SubmitAudit(audit_id, asked.actor.person_id, body)
    return await commands.run(context, partial(submit_audit.handle, command, tools),
                              SubmittedAudit)


@router.get("/audits", responses=problems(404))
async def my_audits(
    queries: QueriesDep, actor: ActorDep, areas: AreasDep,
    service_area: Annotated[str | None, Query(pattern=SLUG_PATTERN)] = None,
) -> list[dict[str, Any]]:
    """The audits assigned to the person asking, newest first."""
    if service_area is not None:
        known_area(areas, service_area)
    return await queries.audits_of(actor.person_id, service_area)


async def readable(queries: AuditQueries, audit_id: uuid.UUID, person_id: str,
                   role: str) -> dict[str, Any]:
    """The audit for this reader: whole (drafts included) for its auditor and quality
    staff; as submitted for moderators; refused (403) to anyone else."""
    view = await queries.audit(audit_id)
    if view is None:
        raise NotFound(NOT_ASSIGNED)
    if may_read(view["auditor_id"], person_id, role):
        return view
    if may_read_submitted(view["auditor_id"], person_id, role) \
            and view["status"] not in UNSUBMITTED:
        return {**view, "draft": None}
    raise Forbidden("this audit is available to its auditor, quality staff and, once "
                    "submitted, moderators")


@router.get("/audits/{audit_id}", responses=problems(403, 404))
async def show_audit(audit_id: uuid.UUID, queries: QueriesDep,
                     actor: ActorDep) -> dict[str, Any]:
    """One audit: its tool, status, the draft as saved so far (to resume it), the latest
    submission's findings, grades as moderated, the reasons it was returned, its actions
    and Children of Concern."""
    return await readable(queries, audit_id, actor.person_id, actor.role)


@router.get("/audits/{audit_id}/trail", responses=problems(403, 404))
async def audit_trail(audit_id: uuid.UUID, queries: QueriesDep,
                      actor: ActorDep) -> list[dict[str, Any]]:
    """How the audit evolved: every event of its stream (assigned, started, each draft
    saved and the fields it changed, each submission, moderation, rework, final), with
    when and who. The text a person wrote is in the audit, not here."""
    await readable(queries, audit_id, actor.person_id, actor.role)
    return await queries.trail(audit_id)

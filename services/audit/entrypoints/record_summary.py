"""The summary of a final audit for the child's record, as JSON or as a plain printable
HTML page an integrator posts into the case-management system. Available once the audit
is final and completed to standard (AuditFinalised says when)."""

from __future__ import annotations

import uuid
from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from services.audit.application.record_summary import RecordSummary, summary
from services.audit.domain.doing import NOT_ASSIGNED
from services.audit.domain.rules import may_read_record_summary
from services.audit.entrypoints.http import QueriesDep, ToolsDep
from shared.http.conventions import ActorDep
from shared.http.problems import problems
from shared.kernel.errors import Forbidden, NotFound, RuleBroken

router = APIRouter(tags=["child's record"])


async def _summary(audit_id: uuid.UUID, queries: QueriesDep, tools: ToolsDep,
                   actor: ActorDep) -> RecordSummary:
    view = await queries.audit(audit_id)
    if view is None:
        raise NotFound(NOT_ASSIGNED)
    if not may_read_record_summary(view["auditor_id"], actor.person_id, actor.role):
        raise Forbidden("the record summary is for the auditor, quality staff, moderators "
                        "and the case-record integrator")
    if view["status"] != "final":
        raise RuleBroken(
            "not for the child's record: this audit was returned by moderation and not "
            "resubmitted before its cycle closed" if view["status"] == "not-completed-to-"
            "standard" else f"not final yet (the audit is {view['status']}): the summary "
            "is ready when AuditFinalised is published")
    return summary(view, tools.get(view["audit_tool"], view["tool_version"]))


@router.get("/audits/{audit_id}/record-summary", responses=problems(403, 404, 409))
async def record_summary(audit_id: uuid.UUID, queries: QueriesDep, tools: ToolsDep,
                         actor: ActorDep) -> RecordSummary:
    """The final audit's summary for the child's record: grade, key findings, actions,
    Children of Concern, who audited and moderated it, and a chronology note."""
    return await _summary(audit_id, queries, tools, actor)


@router.get("/audits/{audit_id}/record-summary.html", response_class=HTMLResponse,
            responses=problems(403, 404, 409))
async def record_summary_page(audit_id: uuid.UUID, queries: QueriesDep, tools: ToolsDep,
                              actor: ActorDep) -> HTMLResponse:
    """The same, as a plain printable HTML page."""
    return HTMLResponse(page(await _summary(audit_id, queries, tools, actor)))


def page(s: RecordSummary) -> str:
    def row(label: str, value: object) -> str:
        return f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"

    def paragraphs(text: str) -> str:
        return "".join(f"<p>{escape(part)}</p>" for part in text.split("\n") if part.strip())

    words = {True: "yes", False: "no"}
    e = s.engagement
    moderation = (f"{s.moderated_by} on {s.moderated_on} ({s.moderation_outcome})"
                  if s.moderated_by else "not moderated (not in the moderation sample)")
    grades = "".join(row(g.title, _grade(g.grade.value)) for g in s.element_grades)
    actions = "".join(
        f"<tr><td>{escape(a.description)}</td><td>{escape(a.owner_id)}</td>"
        f"<td>{a.due_date}</td><td>{escape(a.priority)}</td></tr>" for a in s.actions
    ) or "<tr><td colspan='4'>No actions.</td></tr>"
    concerns = "".join(f"<li>Category {c.category}, decided by the {escape(c.decided_by)} "
                       f"on {c.raised_on}</li>" for c in s.children_of_concern)
    limited = (f"<p>The overall grade was limited by: {escape(', '.join(s.limited_by))}.</p>"
               if s.limited_by else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Case file audit: {escape(s.child_ref)}</title>
<style>body{{font-family:sans-serif;max-width:48em;margin:2em auto}}
table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:.3em;
text-align:left;vertical-align:top}}th{{width:40%}}</style></head><body>
<h1>Case file audit</h1>
<p><strong>{escape(s.chronology_note)}</strong></p>
<table>{row("Child", s.child_ref)}{row("Legal status", s.legal_status)}
{row("Team", s.case_team)}{row("Audit month", s.month)}{row("Audit tool", s.tool)}
{row("Overall grade", _grade(s.final_grade.value))}{row("Audited by", s.audited_by)}
{row("Submitted on", s.submitted_on)}{row("Moderated by", moderation)}
{row("Final on", s.finalised_on)}</table>
<h2>Grades by element</h2><table>{grades}</table>{limited}
<h2>Strengths</h2>{paragraphs(s.strengths)}
<h2>Areas for development</h2>{paragraphs(s.areas_for_development)}
<h2>Learning themes</h2><p>{escape(", ".join(s.learning_themes) or "none recorded")}</p>
<h2>Engagement</h2><table>
{row("Done with the social worker", words[e.with_social_worker]
     + (f" ({e.not_with_social_worker_because})" if e.not_with_social_worker_because else ""))}
{row("Manager participated", words[e.manager_participated])}
{row("Child or young person contacted", words[e.child_contacted])}
{row("Parents or carers giving views", e.parents_or_carers_giving_views)}
{row("IRO or CP chair views", words[e.iro_or_cp_chair_views])}</table>
<h2>Actions</h2><table><tr><th>Action</th><th>Owner</th><th>Due</th><th>Priority</th></tr>
{actions}</table>
{f"<h2>Child of Concern</h2><ul>{concerns}</ul>" if concerns else ""}
</body></html>
"""


def _grade(value: str) -> str:
    return value.replace("-", " ").capitalize()

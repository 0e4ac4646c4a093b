"""The auditor's work on an audit: assigned to them, started, drafts saved, submitted
(again, after moderation returns it). Only the current auditor acts; every submission
is checked against the tool version the audit is pinned to."""

from __future__ import annotations

from services.audit.domain.commands import AssignAudit, SaveDraft, StartAudit, SubmitAudit
from services.audit.domain.events import (
    AuditAssigned,
    AuditDraftSaved,
    AuditFindingsRecorded,
    AuditStarted,
)
from services.audit.domain.state import Audit
from services.audit.domain.streams import action_id, concern_id
from services.audit.domain.tools import AuditTool
from services.audit.domain.validation import check_draft, check_submission, limits_applied
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.kernel.clock import london_date
from shared.kernel.contracts import EventContract, carried
from shared.kernel.errors import FieldsRefused, Forbidden, NotFound, RuleBroken

NOT_ASSIGNED = "no such audit has been assigned"


class NotYourAudit(Forbidden):
    """Someone other than the assigned auditor tried to act on an audit (HTTP 403)."""


def assign(command: AssignAudit, state: Audit) -> list[EventContract]:
    if state.assigned is not None:
        return []  # a redelivered or replayed allocation changes nothing
    tool = command.tool
    allocation = command.allocation
    return [carried(AuditAssigned, allocation, audit_id=command.audit_id,
                    tool_version=tool.version if tool is not None else None,
                    tool_digest=tool.digest if tool is not None else None)]


def start(command: StartAudit, state: Audit) -> list[EventContract]:
    _acting(state, command.by)
    _open_for_work(state)
    return _starting(state, command.by, _tool(state, command.tool))


def save_draft(command: SaveDraft, state: Audit) -> list[EventContract]:
    assigned = _acting(state, command.by)
    _open_for_work(state)
    tool = _tool(state, command.tool)
    if errors := check_draft(tool, command.draft):
        raise FieldsRefused(errors)
    return [*_starting(state, command.by, tool),
            AuditDraftSaved(audit_id=assigned.audit_id, saved_by=command.by,
                            draft=command.draft)]


def submit(command: SubmitAudit, state: Audit) -> list[EventContract]:
    assigned = _acting(state, command.by)
    _open_for_work(state)
    tool = _tool(state, command.tool)
    if command.submitted_at is None:
        raise ValueError("a submission is stamped with its time before it is decided")
    # The deadline is a London calendar day: what counts is the day in London at submission.
    today = london_date(command.submitted_at)
    findings = command.submission
    if errors := check_submission(tool, findings, month=assigned.month, today=today,
                                  concern_already_raised=bool(state.concerns)):
        raise FieldsRefused(errors)
    number = state.submission + 1
    events: list[EventContract] = [
        *_starting(state, command.by, tool),
        AuditFindingsRecorded(audit_id=assigned.audit_id, submission=number,
                              submitted_by=command.by, findings=findings),
        carried(AuditSubmitted, assigned, auditor_id=command.by,
                overall_grade=findings.overall_grade, late=today > assigned.return_deadline,
                submission=number, audit_tool=tool.id, tool_version=tool.version,
                element_grades=findings.element_grades,
                limited_by=limits_applied(tool, findings.element_grades,
                                          findings.overall_grade),
                learning_themes=findings.learning_themes, engagement=findings.engagement),
    ]
    events += [carried(ActionRaised, assigned, **action.model_dump(),
                       action_id=action_id(assigned.audit_id, number, index))
               for index, action in enumerate(findings.actions)]
    if (concern := findings.child_of_concern) is not None:
        events.append(carried(ChildOfConcernRaised, assigned, **concern.model_dump(),
                              concern_id=concern_id(assigned.audit_id, number),
                              decided_by="auditor"))
    return events


def _acting(state: Audit, person_id: str) -> AuditAssigned:
    if state.assigned is None:
        raise NotFound(NOT_ASSIGNED)
    if person_id != state.auditor_id:
        raise NotYourAudit("only the auditor this audit is assigned to may work on it")
    return state.assigned


def _open_for_work(state: Audit) -> None:
    ended = state.cycle_ended
    if ended is not None and ended.standing in ("not-submitted", "returned-not-resubmitted"):
        raise RuleBroken("the audit's cycle has closed: it was recorded as "
                         + ("a nil return" if ended.standing == "not-submitted"
                            else "returned and not resubmitted (not completed to standard)"))
    if state.finalised is not None:
        raise RuleBroken("this audit is final")
    if state.submitted is not None and state.returned is None:
        raise RuleBroken("this audit has already been submitted; it opens again only if "
                         "moderation returns it")


def _tool(state: Audit, tool: AuditTool | None) -> AuditTool:
    assigned = state.assigned
    assert assigned is not None  # _acting came first
    pinned = f"{assigned.audit_tool} v{state.tool_version}" if state.tool_version \
        else assigned.audit_tool
    if tool is None or tool.id != assigned.audit_tool or (
            state.tool_version is not None and tool.version != state.tool_version):
        raise RuleBroken(f"this audit is done on the tool {pinned}, which is not loaded here: "
                         "the QA team loads its file (AUDIT_TOOLS_DIR) and restarts the audit "
                         "service")
    if state.tool_digest is not None and tool.digest != state.tool_digest:
        raise RuleBroken(f"the tool {pinned} has changed since this audit was assigned (its "
                         "file was edited in place): restore the published version and "
                         "publish changes as a new version")
    return tool


def _starting(state: Audit, by: str, tool: AuditTool) -> list[EventContract]:
    if state.started:
        return []
    assigned = state.assigned
    assert assigned is not None
    pin = state.tool_version is None
    return [AuditStarted(audit_id=assigned.audit_id, started_by=by,
                         tool_version=tool.version if pin else None,
                         tool_digest=tool.digest if pin else None)]

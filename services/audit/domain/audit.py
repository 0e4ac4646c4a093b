"""One case-file audit: assigned once to its auditor, submitted once by them."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from services.audit.domain.commands import AssignAudit, AuditCommand, SubmitAudit
from services.audit.domain.events import AuditAssigned
from services.audit.domain.rules import ACTION_DUE_IN_REACH, CONCERN_ONLY_WHEN_INADEQUATE
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.kernel.clock import london_date
from shared.kernel.contracts import EventContract, carried
from shared.kernel.decider import Decider, by_command, keep_latest, once
from shared.kernel.errors import Forbidden, NotFound, RuleBroken


class NotYourAudit(Forbidden):
    """Someone other than the assigned auditor tried to act on an audit (HTTP 403)."""


@dataclass(frozen=True)
class Audit:
    assigned: AuditAssigned | None = None
    submitted: AuditSubmitted | None = None


def assigned(command: AssignAudit) -> AuditAssigned:
    return carried(AuditAssigned, command.allocation, audit_id=command.audit_id)


def submit(command: SubmitAudit, state: Audit) -> list[EventContract]:
    assigned = state.assigned
    if assigned is None:
        raise NotFound("no such audit has been assigned")
    if command.submitted_by != assigned.auditor_id:
        raise NotYourAudit("only the auditor this audit is assigned to may submit it")
    if state.submitted is not None:
        raise RuleBroken("this audit has already been submitted")
    CONCERN_ONLY_WHEN_INADEQUATE.check(command)
    if command.submitted_at is None:
        raise ValueError("a submission is stamped with its time before it is decided")
    ACTION_DUE_IN_REACH.check(SimpleNamespace(
        due_date=command.action.due_date, month=assigned.month,
        today=london_date(command.submitted_at)))
    # The deadline is a London calendar day: what counts is the day in London at submission.
    late = london_date(command.submitted_at) > assigned.return_deadline
    action, concern = command.action, command.child_of_concern
    events: list[EventContract] = [
        carried(AuditSubmitted, assigned, overall_grade=command.overall_grade, late=late),
        carried(ActionRaised, assigned, action_id=action.action_id,
                description=action.description, owner_id=action.owner_id,
                due_date=action.due_date),
    ]
    if concern is not None:
        events.append(carried(ChildOfConcernRaised, assigned, concern_id=concern.concern_id,
                              category=concern.category, reason=concern.reason))
    return events


AUDIT: Decider[AuditCommand, Audit] = Decider(
    "audit", Audit(), keep_latest(assigned=AuditAssigned, submitted=AuditSubmitted),
    by_command({AssignAudit: once(lambda audit: audit.assigned, assigned),
                SubmitAudit: submit}))

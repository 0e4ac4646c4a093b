"""One case-file audit: assigned once to its auditor, submitted once by them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from services.audit.domain.commands import AssignAudit, AuditCommand, SubmitAudit
from services.audit.domain.events import AuditAssigned
from services.audit.domain.rules import CONCERN_ONLY_WHEN_INADEQUATE
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.kernel.clock import london_date
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider
from shared.kernel.errors import Forbidden, NotFound, RuleBroken


class NotYourAudit(Forbidden):
    """Someone other than the assigned auditor tried to act on an audit (HTTP 403)."""


@dataclass(frozen=True)
class Audit:
    assigned: AuditAssigned | None = None
    submitted: AuditSubmitted | None = None


def evolve(state: Audit, event: EventContract) -> Audit:
    if isinstance(event, AuditAssigned):
        return replace(state, assigned=event)
    if isinstance(event, AuditSubmitted):
        return replace(state, submitted=event)
    return state


def decide(command: AuditCommand, state: Audit) -> Sequence[EventContract]:
    if isinstance(command, AssignAudit):
        return assign(command, state)
    return submit(command, state)


def assign(command: AssignAudit, state: Audit) -> list[EventContract]:
    # Ignored rather than refused: the only way to get here twice is the same allocation
    # arriving again, and failing would send it to the dead-letter topic for nothing.
    if state.assigned is not None:
        return []
    return [
        AuditAssigned(
            audit_id=command.audit_id, allocation_id=command.allocation_id,
            cycle_id=command.cycle_id, month=command.month,
            return_deadline=command.return_deadline, case_id=command.case_id,
            child_ref=command.child_ref, legal_status=command.legal_status,
            case_team=command.case_team, auditor_id=command.auditor_id,
        )
    ]


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
    # The deadline is a London calendar day: what counts is the day in London at submission.
    late = london_date(command.submitted_at) > assigned.return_deadline
    about = {"audit_id": assigned.audit_id, "month": assigned.month,
             "child_ref": assigned.child_ref, "case_team": assigned.case_team}
    events: list[EventContract] = [
        AuditSubmitted(
            allocation_id=assigned.allocation_id, cycle_id=assigned.cycle_id,
            case_id=assigned.case_id, legal_status=assigned.legal_status,
            auditor_id=assigned.auditor_id, overall_grade=command.overall_grade, late=late,
            **about,
        ),
        ActionRaised(
            action_id=command.action.action_id, description=command.action.description,
            owner_id=command.action.owner_id, due_date=command.action.due_date, **about,
        ),
    ]
    concern = command.child_of_concern
    if concern is not None:
        events.append(ChildOfConcernRaised(concern_id=concern.concern_id,
                                           category=concern.category, reason=concern.reason,
                                           **about))
    return events


AUDIT: Decider[AuditCommand, Audit] = Decider("audit", Audit(), evolve, decide)

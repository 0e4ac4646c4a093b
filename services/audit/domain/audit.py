"""One case-file audit: assigned once to its auditor, submitted once by them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from services.audit.domain.commands import AssignAudit, SubmitAudit
from shared.clock import london_date
from shared.contracts import EventContract
from shared.domain import Forbidden, NotFound, RuleBroken
from shared.events.audit import (
    ActionRaised,
    AuditAssigned,
    AuditSubmitted,
    ChildOfConcernRaised,
)
from shared.events.common import Grade


class NotYourAudit(Forbidden):
    """Someone other than the assigned auditor tried to act on an audit (HTTP 403)."""


@dataclass(frozen=True)
class Audit:
    assigned: AuditAssigned | None
    submitted: AuditSubmitted | None


def replay(history: Sequence[EventContract]) -> Audit:
    assigned: AuditAssigned | None = None
    submitted: AuditSubmitted | None = None
    for event in history:
        if isinstance(event, AuditAssigned):
            assigned = event
        elif isinstance(event, AuditSubmitted):
            submitted = event
    return Audit(assigned, submitted)


def assign_audit(history: Sequence[EventContract], command: AssignAudit) -> list[EventContract]:
    # Ignored rather than refused: the only way to get here twice is the same allocation
    # arriving again, and failing would send it to the dead-letter topic for nothing.
    if replay(history).assigned is not None:
        return []
    return [
        AuditAssigned(
            audit_id=command.audit_id,
            allocation_id=command.allocation_id,
            cycle_id=command.cycle_id,
            month=command.month,
            return_deadline=command.return_deadline,
            case_id=command.case_id,
            child_ref=command.child_ref,
            legal_status=command.legal_status,
            case_team=command.case_team,
            auditor_id=command.auditor_id,
        )
    ]


def submit_audit(
    history: Sequence[EventContract], command: SubmitAudit, now: datetime
) -> list[EventContract]:
    audit = replay(history)
    assigned = audit.assigned
    if assigned is None:
        raise NotFound("no such audit has been assigned")
    if command.submitted_by != assigned.auditor_id:
        raise NotYourAudit("only the auditor this audit is assigned to may submit it")
    if audit.submitted is not None:
        raise RuleBroken("this audit has already been submitted")
    concern = command.child_of_concern
    if concern is not None and command.overall_grade is not Grade.INADEQUATE:
        raise RuleBroken("a Child of Concern may be raised only on an audit graded inadequate")
    # The deadline is a London calendar day: what counts is the day in London at submission.
    late = london_date(now) > assigned.return_deadline
    events: list[EventContract] = [
        AuditSubmitted(
            audit_id=assigned.audit_id,
            allocation_id=assigned.allocation_id,
            cycle_id=assigned.cycle_id,
            month=assigned.month,
            case_id=assigned.case_id,
            child_ref=assigned.child_ref,
            legal_status=assigned.legal_status,
            case_team=assigned.case_team,
            auditor_id=assigned.auditor_id,
            overall_grade=command.overall_grade,
            late=late,
        ),
        ActionRaised(
            action_id=command.action.action_id,
            audit_id=assigned.audit_id,
            month=assigned.month,
            child_ref=assigned.child_ref,
            case_team=assigned.case_team,
            description=command.action.description,
            owner_id=command.action.owner_id,
            due_date=command.action.due_date,
        ),
    ]
    if concern is not None:
        events.append(
            ChildOfConcernRaised(
                concern_id=concern.concern_id,
                audit_id=assigned.audit_id,
                month=assigned.month,
                child_ref=assigned.child_ref,
                case_team=assigned.case_team,
                category=concern.category,
                reason=concern.reason,
            )
        )
    return events


# Quality staff read every audit; anyone else sees only the audits assigned to them.
QUALITY_ROLES = frozenset({"qa-officer", "qa-manager", "head-of-quality"})


def may_read(auditor_id: str, person_id: str, role: str) -> bool:
    return person_id == auditor_id or role in QUALITY_ROLES

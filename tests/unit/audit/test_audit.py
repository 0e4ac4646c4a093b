from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.audit.domain.audit import (
    NotYourAudit,
    assign_audit,
    may_read,
    submit_audit,
)
from services.audit.domain.commands import (
    AssignAudit,
    RaiseAction,
    RaiseChildOfConcern,
    SubmitAudit,
)
from services.audit.domain.streams import audit_id, audit_stream
from shared.domain import NotFound, RuleBroken
from shared.events.audit import (
    ActionRaised,
    AuditAssigned,
    AuditSubmitted,
    ChildOfConcernRaised,
)
from shared.events.common import Grade, LegalStatus
from shared.identifiers import STREAM_ID_PATTERN

LONDON = ZoneInfo("Europe/London")
ALLOCATION = uuid.UUID("0b6a3c52-1d1e-4a8e-9f7a-5a2f8f3c9d01")
IN_TIME = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)


def assignment(**changes: object) -> AssignAudit:
    fields: dict[str, object] = {
        "audit_id": audit_id(ALLOCATION),
        "allocation_id": ALLOCATION,
        "cycle_id": uuid.uuid4(),
        "month": "2026-11",
        "return_deadline": date(2026, 11, 30),
        "case_id": uuid.uuid4(),
        "child_ref": "CHILD-0001",
        "legal_status": LegalStatus.CHILD_PROTECTION,
        "case_team": "assessment-east",
        "auditor_id": "staff-0042",
    }
    fields.update(changes)
    return AssignAudit(**fields)  # type: ignore[arg-type]


def assigned(**changes: object) -> list[AuditAssigned]:
    events = assign_audit([], assignment(**changes))
    assert len(events) == 1
    assert isinstance(events[0], AuditAssigned)
    return [events[0]]


def submission(
    *,
    by: str = "staff-0042",
    grade: Grade = Grade.GOOD,
    concern: RaiseChildOfConcern | None = None,
) -> SubmitAudit:
    return SubmitAudit(
        audit_id=audit_id(ALLOCATION),
        submitted_by=by,
        overall_grade=grade,
        action=RaiseAction(uuid.uuid4(), "Update the chronology", "staff-0077",
                           date(2026, 12, 15)),
        child_of_concern=concern,
    )


def test_audit_id_is_derived_from_the_allocation_and_the_stream_is_pseudonymous() -> None:
    assert audit_id(ALLOCATION) == audit_id(uuid.UUID(str(ALLOCATION)))
    assert audit_id(ALLOCATION) != audit_id(uuid.uuid4())
    assert re.match(STREAM_ID_PATTERN, audit_stream(audit_id(ALLOCATION)))


def test_an_allocation_assigns_its_audit_with_every_field_carried() -> None:
    command = assignment()
    [event] = assign_audit([], command)
    assert event == AuditAssigned(
        audit_id=command.audit_id, allocation_id=command.allocation_id,
        cycle_id=command.cycle_id, month="2026-11", return_deadline=date(2026, 11, 30),
        case_id=command.case_id, child_ref="CHILD-0001",
        legal_status=LegalStatus.CHILD_PROTECTION, case_team="assessment-east",
        auditor_id="staff-0042",
    )


def test_an_audit_is_assigned_once_only() -> None:
    history = assigned()
    assert assign_audit(history, assignment()) == []
    assert assign_audit(history, assignment(auditor_id="staff-0099")) == []


def test_the_assigned_auditor_submits_the_audit_its_action_and_no_concern() -> None:
    history = assigned()
    command = submission(grade=Grade.REQUIRES_IMPROVEMENT)
    events = submit_audit(history, command, IN_TIME)
    [audit] = history
    assert [type(event) for event in events] == [AuditSubmitted, ActionRaised]
    assert events[0] == AuditSubmitted(
        audit_id=audit.audit_id, allocation_id=audit.allocation_id, cycle_id=audit.cycle_id,
        month=audit.month, case_id=audit.case_id, child_ref=audit.child_ref,
        legal_status=audit.legal_status, case_team=audit.case_team,
        auditor_id="staff-0042", overall_grade=Grade.REQUIRES_IMPROVEMENT, late=False,
    )
    assert events[1] == ActionRaised(
        action_id=command.action.action_id, audit_id=audit.audit_id, month="2026-11",
        child_ref="CHILD-0001", case_team="assessment-east",
        description="Update the chronology", owner_id="staff-0077",
        due_date=date(2026, 12, 15),
    )


def test_an_inadequate_audit_may_raise_a_child_of_concern_after_its_action() -> None:
    concern = RaiseChildOfConcern(uuid.uuid4(), 1, "No visit for 12 weeks")
    history = assigned()
    events = submit_audit(history, submission(grade=Grade.INADEQUATE, concern=concern), IN_TIME)
    assert [type(event) for event in events] == [AuditSubmitted, ActionRaised,
                                                  ChildOfConcernRaised]
    assert events[2] == ChildOfConcernRaised(
        concern_id=concern.concern_id, audit_id=history[0].audit_id, month="2026-11",
        child_ref="CHILD-0001", case_team="assessment-east", category=1,
        reason="No visit for 12 weeks",
    )


@pytest.mark.parametrize("grade", [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT])
def test_no_child_of_concern_unless_the_grade_is_inadequate(grade: Grade) -> None:
    concern = RaiseChildOfConcern(uuid.uuid4(), 2, "Worried")
    with pytest.raises(RuleBroken, match="inadequate"):
        submit_audit(assigned(), submission(grade=grade, concern=concern), IN_TIME)


def test_only_the_assigned_auditor_may_submit() -> None:
    with pytest.raises(NotYourAudit):
        submit_audit(assigned(), submission(by="staff-0099"), IN_TIME)


def test_an_audit_never_assigned_cannot_be_submitted() -> None:
    with pytest.raises(NotFound):
        submit_audit([], submission(), IN_TIME)


def test_an_audit_is_submitted_once_only() -> None:
    history = assigned()
    history_after = [*history, *submit_audit(history, submission(), IN_TIME)]
    with pytest.raises(RuleBroken, match="already been submitted") as refused:
        submit_audit(history_after, submission(), IN_TIME)
    assert not isinstance(refused.value, NotYourAudit)


@pytest.mark.parametrize(
    ("deadline", "now", "late"),
    [
        # Winter: London is on GMT, so these instants fall on the same day in UTC.
        (date(2026, 11, 30), datetime(2026, 12, 1, 0, 30, tzinfo=LONDON), True),
        (date(2026, 11, 30), datetime(2026, 11, 30, 23, 30, tzinfo=UTC), False),
        (date(2026, 11, 30), datetime(2026, 11, 30, 23, 59, 59, tzinfo=LONDON), False),
        # Summer: 23:30 UTC is already the next day in London (BST), so it is late.
        (date(2026, 6, 30), datetime(2026, 6, 30, 23, 30, tzinfo=UTC), True),
        (date(2026, 6, 30), datetime(2026, 6, 30, 22, 59, tzinfo=UTC), False),
    ],
)
def test_late_means_after_the_deadline_day_in_london(
    deadline: date, now: datetime, late: bool
) -> None:
    [submitted, _] = submit_audit(assigned(return_deadline=deadline), submission(), now)
    assert isinstance(submitted, AuditSubmitted)
    assert submitted.late is late


def test_an_audit_is_readable_by_its_auditor_and_quality_staff_only() -> None:
    assert may_read("staff-0042", "staff-0042", "auditor")
    for role in ("qa-officer", "qa-manager", "head-of-quality"):
        assert may_read("staff-0042", "staff-0001", role)
    assert not may_read("staff-0042", "staff-0099", "auditor")
    assert not may_read("staff-0042", "staff-0099", "team-manager")

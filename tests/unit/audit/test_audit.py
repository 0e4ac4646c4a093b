"""Audit's use cases through the kit's harness: assignment on CaseAllocated, submission
by the assigned auditor, lateness by the London calendar."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from functools import partial

import pytest
from pydantic import ValidationError

from services.audit.application import assign_audit, submit_audit
from services.audit.domain.audit import NotYourAudit
from services.audit.domain.commands import RaiseAction, RaiseChildOfConcern, SubmitAudit
from services.audit.domain.events import REGISTRY, AuditAssigned
from services.audit.domain.rules import may_read
from services.audit.domain.streams import audit_id, audit_stream
from services.audit.entrypoints.http import SubmitAuditRequest
from shared.events.allocation import CaseAllocated
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade, LegalStatus
from shared.kernel.clock import LONDON
from shared.kernel.errors import NotFound, RuleBroken
from shared.kernel.identifiers import STREAM_ID_PATTERN
from shared.kit.scenario import Scenario

ALLOCATION = uuid.UUID("0b6a3c52-1d1e-4a8e-9f7a-5a2f8f3c9d01")
AUDIT = audit_id(ALLOCATION)
STREAM = audit_stream(AUDIT)
CYCLE, CASE = uuid.uuid4(), uuid.uuid4()
IN_TIME = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)

ALLOCATED = CaseAllocated(
    allocation_id=ALLOCATION, cycle_id=CYCLE, month="2026-11",
    return_deadline=date(2026, 11, 30), case_id=CASE, child_ref="CHILD-0001",
    legal_status=LegalStatus.CHILD_PROTECTION, case_team="assessment-east",
    auditor_id="staff-0042", auditor_team="north-1",
)


def assigned(deadline: date = date(2026, 11, 30)) -> AuditAssigned:
    return AuditAssigned(
        audit_id=AUDIT, allocation_id=ALLOCATION, cycle_id=CYCLE, month="2026-11",
        return_deadline=deadline, case_id=CASE, child_ref="CHILD-0001",
        legal_status=LegalStatus.CHILD_PROTECTION, case_team="assessment-east",
        auditor_id="staff-0042",
    )


def spec(now: datetime = IN_TIME) -> Scenario:
    return Scenario(REGISTRY, now=now)


ACTION = RaiseAction(uuid.uuid4(), "Update the chronology", "staff-0077", date(2026, 12, 15))


def submission(*, by: str = "staff-0042", grade: Grade = Grade.GOOD,
               concern: RaiseChildOfConcern | None = None) -> SubmitAudit:
    return SubmitAudit(audit_id=AUDIT, submitted_by=by, overall_grade=grade, action=ACTION,
                       child_of_concern=concern)


def submitted(grade: Grade, late: bool = False) -> AuditSubmitted:
    return AuditSubmitted(
        audit_id=AUDIT, allocation_id=ALLOCATION, cycle_id=CYCLE, month="2026-11",
        case_id=CASE, child_ref="CHILD-0001", legal_status=LegalStatus.CHILD_PROTECTION,
        case_team="assessment-east", auditor_id="staff-0042", overall_grade=grade, late=late,
    )


ACTION_RAISED = ActionRaised(
    action_id=ACTION.action_id, audit_id=AUDIT, month="2026-11", child_ref="CHILD-0001",
    case_team="assessment-east", description="Update the chronology", owner_id="staff-0077",
    due_date=date(2026, 12, 15),
)


def test_audit_id_is_derived_from_the_allocation_and_the_stream_is_pseudonymous() -> None:
    assert audit_id(ALLOCATION) == audit_id(uuid.UUID(str(ALLOCATION)))
    assert audit_id(ALLOCATION) != audit_id(uuid.uuid4())
    assert re.match(STREAM_ID_PATTERN, STREAM)


async def test_an_allocation_assigns_its_audit_with_every_field_carried() -> None:
    await (spec().when(partial(assign_audit.when_case_allocated, ALLOCATED))
           .then(assigned()))


async def test_an_audit_is_assigned_once_only() -> None:
    again = ALLOCATED.model_copy(update={"auditor_id": "staff-0099"})
    await (spec().given(STREAM, assigned())
           .when(partial(assign_audit.when_case_allocated, again)).then())


async def test_the_assigned_auditor_submits_the_audit_and_its_action() -> None:
    result = await (spec().given(STREAM, assigned())
                    .when(partial(submit_audit.handle,
                                  submission(grade=Grade.REQUIRES_IMPROVEMENT)))
                    .then(submitted(Grade.REQUIRES_IMPROVEMENT), ACTION_RAISED))
    assert result.model_dump(mode="json") == {
        "audit_id": str(AUDIT), "overall_grade": "requires-improvement", "late": False,
        "action_id": str(ACTION.action_id), "concern_id": None,
    }


async def test_an_inadequate_audit_raises_its_child_of_concern_after_its_action() -> None:
    concern = RaiseChildOfConcern(uuid.uuid4(), 1, "No visit for 12 weeks")
    await (spec().given(STREAM, assigned())
           .when(partial(submit_audit.handle,
                         submission(grade=Grade.INADEQUATE, concern=concern)))
           .then(submitted(Grade.INADEQUATE), ACTION_RAISED, ChildOfConcernRaised(
               concern_id=concern.concern_id, audit_id=AUDIT, month="2026-11",
               child_ref="CHILD-0001", case_team="assessment-east", category=1,
               reason="No visit for 12 weeks")))


@pytest.mark.parametrize("grade", [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT])
async def test_no_child_of_concern_unless_the_grade_is_inadequate(grade: Grade) -> None:
    concern = RaiseChildOfConcern(uuid.uuid4(), 2, "Worried")
    await (spec().given(STREAM, assigned())
           .when(partial(submit_audit.handle, submission(grade=grade, concern=concern)))
           .then_fails(RuleBroken, "inadequate"))


async def test_only_the_assigned_auditor_may_submit() -> None:
    await (spec().given(STREAM, assigned())
           .when(partial(submit_audit.handle, submission(by="staff-0099")))
           .then_fails(NotYourAudit))


async def test_an_audit_never_assigned_cannot_be_submitted() -> None:
    await spec().when(partial(submit_audit.handle, submission())).then_fails(NotFound)


async def test_an_audit_is_submitted_once_only() -> None:
    refused = await (spec().given(STREAM, assigned(), submitted(Grade.GOOD), ACTION_RAISED)
                     .when(partial(submit_audit.handle, submission()))
                     .then_fails(RuleBroken, "already been submitted"))
    assert not isinstance(refused, NotYourAudit)


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
async def test_late_means_after_the_deadline_day_in_london(
    deadline: date, now: datetime, late: bool
) -> None:
    result = await (spec(now).given(STREAM, assigned(deadline))
                    .when(partial(submit_audit.handle, submission())).run())
    assert result[0].late is late


def test_an_audit_is_readable_by_its_auditor_and_quality_staff_only() -> None:
    assert may_read("staff-0042", "staff-0042", "auditor")
    for role in ("qa-officer", "qa-manager", "head-of-quality"):
        assert may_read("staff-0042", "staff-0001", role)
    assert not may_read("staff-0042", "staff-0099", "auditor")
    assert not may_read("staff-0042", "staff-0099", "team-manager")


# --- the submission request applies the same rule, naming the field -------------------

ACTION_BODY = {"description": "Update the plan", "owner_id": "staff-0077",
               "due_date": "2026-12-15"}
CONCERN_BODY = {"category": 1, "reason": "No visit for 12 weeks"}


def test_the_request_refuses_a_concern_on_a_grade_other_than_inadequate() -> None:
    with pytest.raises(ValidationError) as refused:
        SubmitAuditRequest.model_validate(
            {"overall_grade": "good", "action": ACTION_BODY, "child_of_concern": CONCERN_BODY})
    assert [error["loc"] for error in refused.value.errors()] == [("child_of_concern",)]
    assert "inadequate" in str(refused.value)


def test_the_request_takes_a_concern_on_an_inadequate_grade_and_nothing_extra() -> None:
    body = SubmitAuditRequest.model_validate(
        {"overall_grade": "inadequate", "action": ACTION_BODY, "child_of_concern": CONCERN_BODY})
    assert body.child_of_concern is not None
    assert body.child_of_concern.category == 1
    with pytest.raises(ValidationError):
        SubmitAuditRequest.model_validate(
            {"overall_grade": "good", "action": ACTION_BODY, "comment": "extra"})
    with pytest.raises(ValidationError):
        SubmitAuditRequest.model_validate(
            {"overall_grade": "inadequate", "action": ACTION_BODY,
             "child_of_concern": {"category": 3, "reason": "x"}})

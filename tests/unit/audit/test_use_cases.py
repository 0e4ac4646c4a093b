"""The use cases and the submission request, over an in-memory stand-in for the unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.audit.application import assign_audit, submit_audit
from services.audit.domain.commands import AssignAudit, RaiseAction, SubmitAudit
from services.audit.domain.streams import audit_id, audit_stream
from services.audit.entrypoints.http import SubmitAuditRequest
from shared.contracts import EventContract
from shared.events.audit import AuditAssigned
from shared.events.common import Grade, LegalStatus
from shared.service.commands import UnitOfWork


class FakeUnit:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.streams: dict[str, list[EventContract]] = {}

    async def history(self, stream_id: str) -> tuple[int, list[EventContract]]:
        events = self.streams.get(stream_id, [])
        return len(events), list(events)

    async def record(self, stream_id: str, expected_version: int,
                     events: Sequence[EventContract]) -> list[Any]:
        stream = self.streams.setdefault(stream_id, [])
        assert len(stream) == expected_version
        stream.extend(events)
        return []


def unit(now: datetime) -> tuple[FakeUnit, UnitOfWork]:
    fake = FakeUnit(now)
    return fake, fake  # type: ignore[return-value]


ALLOCATION = uuid.uuid4()
ASSIGN = AssignAudit(
    audit_id=audit_id(ALLOCATION), allocation_id=ALLOCATION, cycle_id=uuid.uuid4(),
    month="2026-11", return_deadline=date(2026, 11, 30), case_id=uuid.uuid4(),
    child_ref="CHILD-0001", legal_status=LegalStatus.CHILD_IN_CARE,
    case_team="assessment-east", auditor_id="staff-0042",
)


async def test_a_repeated_allocation_records_one_assignment() -> None:
    fake, work = unit(datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Europe/London")))
    await assign_audit.handle(ASSIGN, unit=work)
    await assign_audit.handle(ASSIGN, unit=work)
    assert [type(e) for e in fake.streams[audit_stream(ASSIGN.audit_id)]] == [AuditAssigned]


async def test_a_late_submission_answers_with_its_ids() -> None:
    fake, work = unit(datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")))
    await assign_audit.handle(ASSIGN, unit=work)
    action = RaiseAction(uuid.uuid4(), "Update the plan", "staff-0077", date(2026, 12, 15))
    answer = await submit_audit.handle(
        SubmitAudit(ASSIGN.audit_id, "staff-0042", Grade.GOOD, action), unit=work
    )
    assert answer.status_code == 201
    assert answer.body == {
        "audit_id": str(ASSIGN.audit_id), "overall_grade": "good", "late": True,
        "action_id": str(action.action_id), "concern_id": None,
    }
    assert len(fake.streams[audit_stream(ASSIGN.audit_id)]) == 3


ACTION = {"description": "Update the plan", "owner_id": "staff-0077", "due_date": "2026-12-15"}
CONCERN = {"category": 1, "reason": "No visit for 12 weeks"}


def test_the_request_refuses_a_concern_on_a_grade_other_than_inadequate() -> None:
    with pytest.raises(ValidationError) as refused:
        SubmitAuditRequest.model_validate(
            {"overall_grade": "good", "action": ACTION, "child_of_concern": CONCERN}
        )
    assert [error["loc"] for error in refused.value.errors()] == [("child_of_concern",)]


def test_the_request_takes_a_concern_on_an_inadequate_grade_and_nothing_extra() -> None:
    body = SubmitAuditRequest.model_validate(
        {"overall_grade": "inadequate", "action": ACTION, "child_of_concern": CONCERN}
    )
    assert body.child_of_concern is not None
    assert body.child_of_concern.category == 1
    with pytest.raises(ValidationError):
        SubmitAuditRequest.model_validate(
            {"overall_grade": "good", "action": ACTION, "comment": "extra"}
        )
    with pytest.raises(ValidationError):
        SubmitAuditRequest.model_validate(
            {"overall_grade": "inadequate", "action": ACTION,
             "child_of_concern": {"category": 3, "reason": "x"}}
        )

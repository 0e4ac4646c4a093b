"""Builders for moderation's tests: one audit submitted on the core tool, a pool of
moderators, and the streams they live in."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import partial
from typing import Any

from services.moderation.application import follow_allocation, follow_audits
from services.moderation.domain.events import (
    REGISTRY,
    CaseFactsRecorded,
    PoolMemberRecorded,
    SubmissionReceived,
)
from services.moderation.domain.streams import case_stream, moderation_stream, pool_stream
from shared.events.allocation import CaseAllocated, StaffMemberRecorded
from shared.events.audit import AuditSubmitted
from shared.events.common import Grade, LegalStatus
from shared.events.vocabulary import StaffRole, WorkingPattern
from shared.kernel.actor import Person, SystemProcess
from shared.kernel.clock import LONDON
from shared.kernel.contracts import carried
from shared.kit.scenario import Scenario, UseCase

AREA = "childrens-social-care"
NOW = datetime(2025, 3, 20, 11, 0, tzinfo=LONDON)
TODAY = NOW.date()
AUDIT = uuid.UUID("0b9c3f5e-4d0a-4c59-9a53-7c1f0c2f6a01")
ALLOCATION = uuid.UUID("5d0c0b7e-1111-4c59-9a53-7c1f0c2f6a02")
STREAM = moderation_stream(AUDIT)
POOL = pool_stream(AREA)
CASE = case_stream(ALLOCATION)
ELEMENTS = {"risk": Grade.GOOD, "assessment": Grade.REQUIRES_IMPROVEMENT,
            "voice-of-the-child": Grade.GOOD}


def submitted(grade: Grade = Grade.GOOD, *, submission: int = 1, auditor: str = "aud-1",
              elements: dict[str, Grade] | None = None, tool: str = "core",
              audit_id: uuid.UUID = AUDIT) -> AuditSubmitted:
    return AuditSubmitted(
        audit_id=audit_id, allocation_id=ALLOCATION, cycle_id=uuid.uuid4(), month="2025-03",
        case_id=uuid.uuid4(), child_ref="CR-00001", legal_status=LegalStatus.CHILD_IN_NEED,
        case_team="east-1", auditor_id=auditor, overall_grade=grade, late=False,
        submission=submission, audit_tool=tool,
        element_grades=ELEMENTS if elements is None else elements)


def received(grade: Grade = Grade.GOOD, **kwargs: Any) -> SubmissionReceived:
    return carried(SubmissionReceived, submitted(grade, **kwargs))


def staff(person: str, *, team: str = "west-2", moderator: bool = True,
          external: bool = False, auditor_since: date | None = date(2020, 1, 1),
          manager: str | None = None, change: str = "joined",
          leaving_on: date | None = None) -> StaffMemberRecorded:
    return StaffMemberRecorded(
        person_id=person, change=change, effective_on=date(2024, 1, 1),
        role=StaffRole.EXTERNAL_MODERATOR if external else StaffRole.TEAM_MANAGER,
        team=team, working_pattern=WorkingPattern.FULL_TIME, auditor_since=auditor_since,
        moderator_since=date(2022, 1, 1) if moderator else None, manager_id=manager,
        external=external, leaving_on=leaving_on)


def member(person: str, **kwargs: Any) -> PoolMemberRecorded:
    return carried(PoolMemberRecorded, staff(person, **kwargs))


def case_facts(social_worker: str | None = "sw-1", manager: str | None = "tm-east"
               ) -> CaseFactsRecorded:
    return CaseFactsRecorded(allocation_id=ALLOCATION, case_team="east-1",
                             social_worker_id=social_worker, case_manager_id=manager)


def allocated() -> CaseAllocated:
    return CaseAllocated(
        allocation_id=ALLOCATION, cycle_id=uuid.uuid4(), month="2025-03",
        return_deadline=date(2025, 3, 28), case_id=uuid.uuid4(), child_ref="CR-00001",
        legal_status=LegalStatus.CHILD_IN_NEED, case_team="east-1", auditor_id="aud-1",
        auditor_team="west-1", social_worker_id="sw-1", case_manager_id="tm-east")


def spec(actor: Person | SystemProcess | None = None) -> Scenario:
    return Scenario(REGISTRY, now=NOW, service_area=AREA,
                    actor=actor or SystemProcess(name="moderation-sampling"))


def on_submitted(event: AuditSubmitted) -> UseCase:
    return partial(follow_audits.when_audit_submitted, event)


def on_staff(event: StaffMemberRecorded) -> UseCase:
    return partial(follow_allocation.when_staff_member_recorded, event)

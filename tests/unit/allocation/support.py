"""Allocation's test material: people and cases as the directory and the register hold
them, and the Directory port over plain lists."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from services.allocation.application.queries import ExemptionCounts, Placed
from services.allocation.domain.events import REGISTRY, CaseRecorded
from services.allocation.domain.streams import cycle_id
from shared.events.allocation import AuditCycleOpened, StaffMemberRecorded
from shared.events.common import LegalStatus
from shared.events.vocabulary import StaffRole, WorkingPattern
from shared.kernel.clock import LONDON
from shared.kit.scenario import Scenario

TENANT, AREA, MONTH = "test-authority", "childrens-social-care", "2026-03"
CYCLE = cycle_id(TENANT, AREA, MONTH)
DEADLINE = date(2026, 3, 27)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def scenario(now: datetime = NOW) -> Scenario:
    return Scenario(REGISTRY, now=now, tenant=TENANT, service_area=AREA)


@pytest.fixture
def spec() -> Scenario:
    return scenario()


def person(person_id: str, team: str = "west-2", *, role: StaffRole = StaffRole.TEAM_MANAGER,
           part_time: bool = False, moderator: bool = False,
           **more: Any) -> StaffMemberRecorded:
    return StaffMemberRecorded(
        person_id=person_id, change="joined", effective_on=date(2025, 1, 1), role=role,
        team=team,
        working_pattern=WorkingPattern.PART_TIME if part_time else WorkingPattern.FULL_TIME,
        auditor_since=date(2025, 1, 1), moderator_since=date(2025, 6, 1) if moderator else None,
        **more)


def case(team: str = "east-1", status: LegalStatus = LegalStatus.CHILD_PROTECTION, *,
         worker: str | None = None, manager: str | None = None, flags: tuple[str, ...] = (),
         closed_on: date | None = None, child_ref: str = "CR-00123") -> CaseRecorded:
    return CaseRecorded(case_id=uuid.uuid4(), changes=["registered"], child_ref=child_ref,
                        team=team, legal_status=status, social_worker_id=worker,
                        manager_id=manager, flags=list(flags), closed_on=closed_on)


def opened(auditors: int = 0, **more: Any) -> AuditCycleOpened:
    return AuditCycleOpened(cycle_id=CYCLE, month=MONTH, return_deadline=DEADLINE,
                            auditors_in_pool=auditors, **more)


@dataclass
class ListDirectory:
    """The Directory port over lists the test sets."""

    cases: list[CaseRecorded] = field(default_factory=list)
    people: list[StaffMemberRecorded] = field(default_factory=list)
    placed: list[Placed] = field(default_factory=list)
    counted: ExemptionCounts = field(default_factory=lambda: ExemptionCounts(0, 0))
    due: list[tuple[str, str]] = field(default_factory=list)

    async def register(self, service_area: str) -> list[CaseRecorded]:
        return list(self.cases)

    async def pool(self, service_area: str, month: str) -> list[StaffMemberRecorded]:
        return list(self.people)

    async def allocations(self, cycle: uuid.UUID) -> list[Placed]:
        return [p for p in self.placed if p.cycle_id == cycle]

    async def allocation(self, allocation_id: uuid.UUID) -> Placed | None:
        return next((p for p in self.placed if p.allocation_id == allocation_id), None)

    async def exemption_counts(self, cycle: uuid.UUID) -> ExemptionCounts:
        return self.counted

    async def due_for_closing(self, today: date) -> list[tuple[str, str]]:
        return list(self.due)

    def load(self) -> Counter[str]:
        return Counter(p.auditor_id for p in self.placed)

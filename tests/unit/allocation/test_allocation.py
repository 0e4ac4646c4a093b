"""Allocation's use cases through the kit's harness: given the streams' past events, when
a command runs, then these events (or this error)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import partial

import pytest

from services.allocation.application import (
    allocate_case,
    open_cycle,
    register_auditor,
    register_case,
)
from services.allocation.domain.commands import AllocateCase, RegisterAuditor, RegisterCase
from services.allocation.domain.events import REGISTRY, AuditorRegistered, CaseRegistered
from services.allocation.domain.streams import (
    allocation_stream,
    auditor_stream,
    case_stream,
    cycle_id,
    cycle_stream,
)
from shared.events.allocation import AuditCycleOpened, CaseAllocated
from shared.events.common import LegalStatus
from shared.kernel.clock import LONDON
from shared.kernel.errors import NotFound, RuleBroken
from shared.kit.scenario import Scenario

TENANT, AREA, MONTH = "test-authority", "childrens-social-care", "2026-03"
CYCLE = cycle_id(TENANT, AREA, MONTH)
DEADLINE = date(2026, 3, 27)
OPENED = AuditCycleOpened(cycle_id=CYCLE, month=MONTH, return_deadline=DEADLINE)


@pytest.fixture
def spec() -> Scenario:
    return Scenario(REGISTRY, now=datetime(2026, 3, 2, 9, 0, tzinfo=LONDON), tenant=TENANT,
                    service_area=AREA)


def a_case(team: str = "east-1") -> CaseRegistered:
    return CaseRegistered(case_id=uuid.uuid4(), child_ref="CR-00123",
                          legal_status=LegalStatus.CHILD_PROTECTION, team=team)


def an_auditor(team: str = "west-2", auditor_id: str = "staff-0042") -> AuditorRegistered:
    return AuditorRegistered(auditor_id=auditor_id, team=team)


def given_case_and_auditor(spec: Scenario, case: CaseRegistered,
                           auditor: AuditorRegistered) -> Scenario:
    return (spec.given(case_stream(case.case_id), case)
            .given(auditor_stream(TENANT, auditor.auditor_id), auditor))


def allocating(case: CaseRegistered, auditor: AuditorRegistered,
               month: str = MONTH) -> AllocateCase:
    return AllocateCase(uuid.uuid4(), case.case_id, auditor.auditor_id, month)


# --- opening a cycle -------------------------------------------------------------------


async def test_opening_a_cycle_records_its_month_and_deadline_under_a_derived_id(
    spec: Scenario,
) -> None:
    result = await spec.when(partial(open_cycle.handle, MONTH, DEADLINE)).then(OPENED)
    assert result.cycle_id == CYCLE


async def test_a_cycle_without_a_deadline_is_due_on_the_last_day_of_its_month() -> None:
    spec = Scenario(REGISTRY, now=datetime(2028, 3, 1, 9, 0, tzinfo=LONDON), tenant=TENANT,
                    service_area=AREA)
    await spec.when(partial(open_cycle.handle, "2028-02", None)).then(
        AuditCycleOpened(cycle_id=cycle_id(TENANT, AREA, "2028-02"), month="2028-02",
                         return_deadline=date(2028, 2, 29)))


@pytest.mark.parametrize(("month", "deadline", "says"), [
    ("2025-02", None, "at most 12 months before or after"),
    ("2027-04", None, "at most 12 months before or after"),
    (MONTH, date(2026, 2, 28), "return deadline falls within its cycle's month"),
    (MONTH, date(2026, 7, 2), "return deadline falls within its cycle's month"),
])
async def test_a_cycle_far_from_today_or_a_deadline_outside_its_month_is_refused(
    spec: Scenario, month: str, deadline: date | None, says: str
) -> None:
    await spec.when(partial(open_cycle.handle, month, deadline)).then_fails(RuleBroken, says)


async def test_a_cycle_is_opened_once(spec: Scenario) -> None:
    await (spec.given(cycle_stream(CYCLE), OPENED)
           .when(partial(open_cycle.handle, MONTH, None))
           .then_fails(RuleBroken, f"the {MONTH} cycle is already open"))


# --- allocating a case -----------------------------------------------------------------


async def test_an_allocation_carries_case_and_auditor_facts_and_the_cycles_month(
    spec: Scenario,
) -> None:
    case, auditor = a_case(team="east-1"), an_auditor(team="west-2")
    command = allocating(case, auditor)
    await (given_case_and_auditor(spec.given(cycle_stream(CYCLE), OPENED), case, auditor)
           .when(partial(allocate_case.handle, command))
           .then(CaseAllocated(
               allocation_id=command.allocation_id, cycle_id=CYCLE, month=MONTH,
               return_deadline=DEADLINE, case_id=case.case_id, child_ref="CR-00123",
               legal_status=LegalStatus.CHILD_PROTECTION, case_team="east-1",
               auditor_id="staff-0042", auditor_team="west-2")))


async def test_an_auditor_of_the_cases_own_team_is_refused_and_told_why(
    spec: Scenario,
) -> None:
    case, auditor = a_case(team="east-1"), an_auditor(team="east-1", auditor_id="staff-0099")
    refused = await (given_case_and_auditor(spec.given(cycle_stream(CYCLE), OPENED), case,
                                            auditor)
                     .when(partial(allocate_case.handle, allocating(case, auditor)))
                     .then_fails(RuleBroken, "own team"))
    assert "staff-0099" in str(refused)
    assert "east-1" in str(refused)


async def test_the_same_case_is_not_allocated_twice_in_one_cycle(spec: Scenario) -> None:
    case, other = a_case(), an_auditor(team="north-3", auditor_id="staff-0077")
    earlier = CaseAllocated(
        allocation_id=uuid.uuid4(), cycle_id=CYCLE, month=MONTH, return_deadline=DEADLINE,
        case_id=case.case_id, child_ref=case.child_ref, legal_status=case.legal_status,
        case_team=case.team, auditor_id="staff-0042", auditor_team="west-2")
    await (given_case_and_auditor(spec.given(cycle_stream(CYCLE), OPENED), case, other)
           .given(allocation_stream(CYCLE, case.case_id), earlier)
           .when(partial(allocate_case.handle, allocating(case, other)))
           .then_fails(RuleBroken, "already allocated"))


@pytest.mark.parametrize("missing", ["cycle", "case", "auditor"])
async def test_allocating_needs_an_open_cycle_a_registered_case_and_auditor(
    spec: Scenario, missing: str
) -> None:
    case, auditor = a_case(), an_auditor()
    if missing != "cycle":
        spec.given(cycle_stream(CYCLE), OPENED)
    if missing != "case":
        spec.given(case_stream(case.case_id), case)
    if missing != "auditor":
        spec.given(auditor_stream(TENANT, auditor.auditor_id), auditor)
    await (spec.when(partial(allocate_case.handle, allocating(case, auditor)))
           .then_fails(NotFound, missing))


async def test_each_case_has_its_own_allocation_stream_in_a_cycle() -> None:
    case = uuid.uuid4()
    assert allocation_stream(CYCLE, case) == allocation_stream(CYCLE, case)
    assert allocation_stream(CYCLE, case) != allocation_stream(CYCLE, uuid.uuid4())
    assert allocation_stream(CYCLE, case) != allocation_stream(
        cycle_id(TENANT, AREA, "2026-04"), case)


# --- the directory ---------------------------------------------------------------------


async def test_registering_a_case_records_it_once(spec: Scenario) -> None:
    command = RegisterCase(uuid.uuid4(), "CR-00555", LegalStatus.CHILD_IN_CARE, "south-4")
    registered = CaseRegistered(case_id=command.case_id, child_ref="CR-00555",
                                legal_status=LegalStatus.CHILD_IN_CARE, team="south-4")
    await spec.when(partial(register_case.handle, command)).then(registered)
    await (spec.given(case_stream(command.case_id), registered)
           .then_fails(RuleBroken, "already registered"))


async def test_registering_an_auditor_records_them_once_by_id(spec: Scenario) -> None:
    await (spec.when(partial(register_auditor.handle, RegisterAuditor("staff-0042", "west-2")))
           .then(AuditorRegistered(auditor_id="staff-0042", team="west-2")))
    await (spec.given(auditor_stream(TENANT, "staff-0042"),
                      AuditorRegistered(auditor_id="staff-0042", team="west-2"))
           .when(partial(register_auditor.handle, RegisterAuditor("staff-0042", "east-1")))
           .then_fails(RuleBroken, "auditor staff-0042 is already registered"))

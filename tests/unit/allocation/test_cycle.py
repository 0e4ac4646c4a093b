"""The allocation domain: a month's cycle, allocating cases to it, and the directory."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.allocation.domain import cycle, directory
from services.allocation.domain.commands import (
    AllocateCase,
    OpenCycle,
    RegisterAuditor,
    RegisterCase,
)
from shared.contracts import EventContract
from shared.domain import NotFound, RuleBroken
from shared.events.allocation import (
    AuditCycleOpened,
    AuditorRegistered,
    CaseAllocated,
    CaseRegistered,
)
from shared.events.common import LegalStatus

MONTH = "2026-03"
DEADLINE = date(2026, 3, 27)


def open_command(month: str = MONTH, deadline: date = DEADLINE) -> OpenCycle:
    return OpenCycle(cycle_id=uuid.uuid4(), month=month, return_deadline=deadline)


def opened(command: OpenCycle | None = None) -> list[EventContract]:
    return cycle.open_cycle([], command or open_command())


def a_case(team: str = "east-1") -> CaseRegistered:
    return CaseRegistered(
        case_id=uuid.uuid4(), child_ref="CR-00123",
        legal_status=LegalStatus.CHILD_PROTECTION, team=team,
    )


def an_auditor(team: str = "west-2", auditor_id: str = "staff-0042") -> AuditorRegistered:
    return AuditorRegistered(auditor_id=auditor_id, team=team)


def allocate(case: CaseRegistered, auditor: AuditorRegistered) -> AllocateCase:
    return AllocateCase(
        allocation_id=uuid.uuid4(), case_id=case.case_id, auditor_id=auditor.auditor_id
    )


# --- opening a cycle -------------------------------------------------------------------


def test_opening_a_cycle_records_its_month_and_return_deadline() -> None:
    command = open_command()
    assert cycle.open_cycle([], command) == [
        AuditCycleOpened(cycle_id=command.cycle_id, month=MONTH, return_deadline=DEADLINE)
    ]


def test_a_cycle_is_opened_once_and_a_second_opening_is_refused() -> None:
    history = opened()
    with pytest.raises(RuleBroken, match=f"the {MONTH} cycle is already open"):
        cycle.open_cycle(history, open_command())


# --- allocating a case -----------------------------------------------------------------


def test_an_allocation_carries_case_and_auditor_facts_and_the_cycles_month() -> None:
    open_cmd = open_command()
    case, auditor = a_case(team="east-1"), an_auditor(team="west-2")
    command = allocate(case, auditor)

    events = cycle.allocate_case(opened(open_cmd), [], command, case, auditor)

    assert events == [
        CaseAllocated(
            allocation_id=command.allocation_id,
            cycle_id=open_cmd.cycle_id,
            month=MONTH,
            return_deadline=DEADLINE,
            case_id=case.case_id,
            child_ref="CR-00123",
            legal_status=LegalStatus.CHILD_PROTECTION,
            case_team="east-1",
            auditor_id="staff-0042",
            auditor_team="west-2",
        )
    ]


def test_month_and_deadline_come_from_the_cycle_that_was_opened() -> None:
    open_cmd = open_command(month="2026-11", deadline=date(2026, 12, 4))
    case, auditor = a_case(), an_auditor()

    [event] = cycle.allocate_case(opened(open_cmd), [], allocate(case, auditor), case, auditor)

    assert isinstance(event, CaseAllocated)
    assert (event.cycle_id, event.month, event.return_deadline) == (
        open_cmd.cycle_id, "2026-11", date(2026, 12, 4)
    )


def test_an_auditor_of_the_cases_own_team_is_refused_and_told_why() -> None:
    case, auditor = a_case(team="east-1"), an_auditor(team="east-1", auditor_id="staff-0099")

    with pytest.raises(RuleBroken) as refused:
        cycle.allocate_case(opened(), [], allocate(case, auditor), case, auditor)

    message = str(refused.value)
    assert "staff-0099" in message
    assert "east-1" in message
    assert "own team" in message


def test_the_same_case_is_not_allocated_twice_in_one_cycle() -> None:
    case = a_case()
    first = cycle.allocate_case(opened(), [], allocate(case, an_auditor()), case, an_auditor())
    other_auditor = an_auditor(team="north-3", auditor_id="staff-0077")

    with pytest.raises(RuleBroken, match="already allocated"):
        cycle.allocate_case(opened(), first, allocate(case, other_auditor), case, other_auditor)


def test_another_case_has_a_fresh_allocation_stream_in_the_same_cycle() -> None:
    first_case, second_case, auditor = a_case(), a_case(), an_auditor()
    cycle.allocate_case(opened(), [], allocate(first_case, auditor), first_case, auditor)

    [event] = cycle.allocate_case(
        opened(), [], allocate(second_case, auditor), second_case, auditor
    )

    assert isinstance(event, CaseAllocated)
    assert event.case_id == second_case.case_id


def test_allocating_without_an_opened_cycle_is_not_found() -> None:
    case, auditor = a_case(), an_auditor()
    with pytest.raises(NotFound, match="no cycle is open"):
        cycle.allocate_case([], [], allocate(case, auditor), case, auditor)


# --- the directory ---------------------------------------------------------------------


def register_case_command() -> RegisterCase:
    return RegisterCase(
        case_id=uuid.uuid4(), child_ref="CR-00555", legal_status=LegalStatus.CHILD_IN_CARE,
        team="south-4",
    )


def test_registering_a_case_records_it() -> None:
    command = register_case_command()
    assert directory.register_case([], command) == [
        CaseRegistered(
            case_id=command.case_id, child_ref="CR-00555",
            legal_status=LegalStatus.CHILD_IN_CARE, team="south-4",
        )
    ]


def test_a_case_registered_twice_is_refused() -> None:
    command = register_case_command()
    history = directory.register_case([], command)
    with pytest.raises(RuleBroken, match="already registered"):
        directory.register_case(history, command)


def test_registering_an_auditor_records_them() -> None:
    command = RegisterAuditor(auditor_id="staff-0042", team="west-2")
    assert directory.register_auditor([], command) == [
        AuditorRegistered(auditor_id="staff-0042", team="west-2")
    ]


def test_an_auditor_registered_twice_is_refused_by_name() -> None:
    command = RegisterAuditor(auditor_id="staff-0042", team="west-2")
    history = directory.register_auditor([], command)
    with pytest.raises(RuleBroken, match="auditor staff-0042 is already registered"):
        directory.register_auditor(history, RegisterAuditor("staff-0042", "east-1"))


def test_the_registered_case_and_auditor_are_found_in_their_history_or_not_found() -> None:
    case_history = directory.register_case([], register_case_command())
    auditor_history = directory.register_auditor([], RegisterAuditor("staff-0042", "west-2"))

    assert directory.registered_case(case_history) == case_history[0]
    assert directory.registered_auditor(auditor_history) == auditor_history[0]
    with pytest.raises(NotFound):
        directory.registered_case([])
    with pytest.raises(NotFound):
        directory.registered_auditor([])

"""Allocation's use cases through the kit's harness: given the streams' past events, when
a command runs, then these events (or this error)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from functools import partial

import pytest

from services.allocation.application import allocate_case, open_cycle, reallocate
from services.allocation.application.queries import Placed
from services.allocation.domain.commands import AllocateCase
from services.allocation.domain.events import (
    AllocatedByHand,
    AuditReturnRecorded,
    CaseRecorded,
    CasesDrawn,
    CycleTermsRecorded,
    DrawnCase,
    ExemptionRequested,
)
from services.allocation.domain.streams import (
    allocation_stream,
    case_stream,
    cycle_id,
    cycle_stream,
    exemption_id,
    exemption_stream,
)
from shared.events.allocation import (
    AuditCycleOpened,
    AuditorExempted,
    CaseAllocated,
    CaseReallocated,
    StaffMemberRecorded,
)
from shared.events.common import LegalStatus
from shared.events.vocabulary import CaseFilter, ExemptionKind, SelectionReason, SelectionRules
from shared.kernel.clock import LONDON
from shared.kernel.errors import NotFound, RuleBroken
from shared.kit.scenario import Scenario
from tests.unit.allocation.support import (
    AREA,
    CYCLE,
    DEADLINE,
    MONTH,
    TENANT,
    ListDirectory,
    case,
    opened,
    person,
    scenario,
    spec,
)

__all__ = ["spec"]
TERMS = CycleTermsRecorded(cycle_id=CYCLE, own_team_audits="forbidden")


def opening(**more: object) -> open_cycle.Opening:
    return open_cycle.Opening(MONTH, DEADLINE, **more)  # type: ignore[arg-type]


# --- opening a cycle -------------------------------------------------------------------


async def test_opening_records_month_deadline_pool_size_and_the_authoritys_policy(
    spec: Scenario,
) -> None:
    pool = ListDirectory(people=[person("tm-1"), person("tm-2")])
    result = await spec.when(partial(open_cycle.handle, opening(), pool)).then(
        opened(auditors=2), TERMS)
    assert result.cycle_id == CYCLE


async def test_a_cycle_without_a_deadline_is_due_on_the_last_day_of_its_month() -> None:
    spec = scenario(datetime(2028, 3, 1, 9, 0, tzinfo=LONDON))
    feb = cycle_id(TENANT, AREA, "2028-02")
    await spec.when(partial(open_cycle.handle, open_cycle.Opening("2028-02"),
                            ListDirectory())).then(
        AuditCycleOpened(cycle_id=feb, month="2028-02", return_deadline=date(2028, 2, 29),
                         auditors_in_pool=0),
        CycleTermsRecorded(cycle_id=feb, own_team_audits="forbidden"))


async def test_opening_with_rules_draws_within_them_and_names_each_shortfall(
    spec: Scenario,
) -> None:
    open_cp = [case(status=LegalStatus.CHILD_PROTECTION) for _ in range(2)]
    closed_long_ago = case(status=LegalStatus.CHILD_PROTECTION, closed_on=date(2025, 1, 5))
    rules = SelectionRules(core_audits=3, core_filter=CaseFilter(state="open"))
    register = ListDirectory(cases=[*open_cp, closed_long_ago])

    _, recorded = await spec.when(partial(
        open_cycle.handle, opening(rules=rules, seed=7), register)).run()

    assert recorded[0] == opened(rules=rules, seed=7)
    drawn = recorded[2]
    assert isinstance(drawn, CasesDrawn)
    assert {d.case_id for d in drawn.selected} == {c.case_id for c in open_cp}
    assert [(s.wanted, s.found) for s in drawn.shortfalls] == [(3, 2)]
    assert drawn.register_size == 3


@pytest.mark.parametrize(("month", "deadline", "says"), [
    ("2025-02", None, "at most 12 months before or after"),
    ("2027-04", None, "at most 12 months before or after"),
    (MONTH, date(2026, 2, 28), "return deadline falls within its cycle's month"),
    (MONTH, date(2026, 7, 2), "return deadline falls within its cycle's month"),
])
async def test_a_cycle_far_from_today_or_a_deadline_outside_its_month_is_refused(
    spec: Scenario, month: str, deadline: date | None, says: str
) -> None:
    await spec.when(partial(open_cycle.handle, open_cycle.Opening(month, deadline),
                            ListDirectory())).then_fails(RuleBroken, says)


async def test_a_cycle_is_opened_once(spec: Scenario) -> None:
    await (spec.given(cycle_stream(CYCLE), opened())
           .when(partial(open_cycle.handle, opening(), ListDirectory()))
           .then_fails(RuleBroken, f"the {MONTH} cycle is already open"))


async def test_those_moderating_this_month_must_be_trained_moderators(spec: Scenario) -> None:
    pool = ListDirectory(people=[person("tm-1"), person("mod-1", moderator=True)])
    await spec.when(partial(open_cycle.handle, opening(moderating=("tm-1",)), pool)
                    ).then_fails(RuleBroken, "not trained moderators in this pool: tm-1")
    # A moderator moderating this month is excused: not counted in the month's pool.
    await spec.when(partial(open_cycle.handle, opening(moderating=("mod-1",)), pool)).then(
        opened(auditors=1),
        CycleTermsRecorded(cycle_id=CYCLE, own_team_audits="forbidden", moderating=["mod-1"]))


# --- allocating by hand ----------------------------------------------------------------


def allocating(the_case: CaseRecorded, auditor: str, reason: str | None = None) -> AllocateCase:
    return AllocateCase(uuid.uuid4(), the_case.case_id, auditor, MONTH, reason)


def given_cycle(spec: Scenario, *cases: CaseRecorded, terms: CycleTermsRecorded = TERMS,
                drawn: CasesDrawn | None = None) -> Scenario:
    spec.given(cycle_stream(CYCLE), opened(), terms, *([drawn] if drawn else []))
    for each in cases:
        spec.given(case_stream(each.case_id), each)
    return spec


def allocated(command: AllocateCase, the_case: CaseRecorded, auditor: StaffMemberRecorded,
              **more: object) -> CaseAllocated:
    return CaseAllocated(
        allocation_id=command.allocation_id, cycle_id=CYCLE, month=MONTH,
        return_deadline=DEADLINE, case_id=the_case.case_id, child_ref=the_case.child_ref,
        legal_status=the_case.legal_status, case_team=the_case.team,
        auditor_id=auditor.person_id, auditor_team=auditor.team,
        social_worker_id=the_case.social_worker_id, case_manager_id=the_case.manager_id,
        **more)


async def test_an_allocation_carries_the_case_as_it_stands_and_the_auditor(
    spec: Scenario,
) -> None:
    the_case = case(team="east-1", worker="sw-1", manager="tm-9")
    auditor = person("staff-0042", team="west-2")
    command = allocating(the_case, "staff-0042")
    await (given_cycle(spec, the_case)
           .when(partial(allocate_case.handle, command, ListDirectory(people=[auditor])))
           .then(allocated(command, the_case, auditor, selection=SelectionReason.MANUAL)))


@pytest.mark.parametrize(("auditor", "says"), [
    (person("staff-0099", team="east-1"), "own team"),
    (person("sw-1"), "they are the social worker of"),
    (person("tm-9"), "whose social worker they manage"),
])
async def test_an_auditor_the_rules_forbid_is_refused_and_told_why(
    spec: Scenario, auditor: StaffMemberRecorded, says: str
) -> None:
    the_case = case(team="east-1", worker="sw-1", manager="tm-9")
    refused = await (given_cycle(spec, the_case)
                     .when(partial(allocate_case.handle, allocating(the_case, auditor.person_id),
                                   ListDirectory(people=[auditor])))
                     .then_fails(RuleBroken, says))
    assert auditor.person_id in str(refused)


async def test_own_team_audits_are_allowed_where_the_cycle_was_opened_allowing_them(
    spec: Scenario,
) -> None:
    the_case, auditor = case(team="east-1"), person("tm-own", team="east-1")
    command = allocating(the_case, "tm-own")
    allowed = CycleTermsRecorded(cycle_id=CYCLE, own_team_audits="allowed")
    await (given_cycle(spec, the_case, terms=allowed)
           .when(partial(allocate_case.handle, command, ListDirectory(people=[auditor])))
           .then(allocated(command, the_case, auditor, selection=SelectionReason.MANUAL)))


async def test_someone_exempted_that_month_is_not_allocated(spec: Scenario) -> None:
    the_case, auditor = case(), person("tm-away")
    exemption = exemption_id(TENANT, "tm-away", MONTH)
    await (given_cycle(spec, the_case)
           .given(exemption_stream(exemption),
                  ExemptionRequested(exemption_id=exemption, cycle_id=CYCLE, month=MONTH,
                                     person_id="tm-away", kind=ExemptionKind.MATERNITY,
                                     non_operational=True),
                  AuditorExempted(cycle_id=CYCLE, month=MONTH, person_id="tm-away",
                                  kind=ExemptionKind.MATERNITY, non_operational=True))
           .when(partial(allocate_case.handle, allocating(the_case, "tm-away"),
                         ListDirectory(people=[auditor])))
           .then_fails(RuleBroken, "exempted from auditing in 2026-03"))


async def test_a_case_outside_the_draw_is_allocated_by_hand_only_with_a_reason(
    spec: Scenario,
) -> None:
    drawn_case, other, auditor = case(), case(), person("tm-1")
    draw = CasesDrawn(cycle_id=CYCLE, register_size=2, selected=[DrawnCase(
        case_id=drawn_case.case_id, selection=SelectionReason.THEME, theme="domestic-abuse",
        audit_tool="da-themed", why="theme")])
    pool = ListDirectory(people=[auditor])
    given_cycle(spec, drawn_case, other, drawn=draw)
    await (spec.when(partial(allocate_case.handle, allocating(other, "tm-1"), pool))
           .then_fails(RuleBroken, "not in the month's draw: allocating it by hand needs a "
                                   "reason"))
    by_hand = allocating(other, "tm-1", "Raised at the Front Door meeting")
    await spec.when(partial(allocate_case.handle, by_hand, pool)).then(
        allocated(by_hand, other, auditor, selection=SelectionReason.MANUAL),
        AllocatedByHand(allocation_id=by_hand.allocation_id,
                        reason="Raised at the Front Door meeting"))
    from_draw = allocating(drawn_case, "tm-1")
    await spec.when(partial(allocate_case.handle, from_draw, pool)).then(
        allocated(from_draw, drawn_case, auditor, selection=SelectionReason.THEME,
                  theme="domestic-abuse", audit_tool="da-themed"))


async def test_the_same_case_is_not_allocated_twice_in_one_cycle(spec: Scenario) -> None:
    the_case, auditor = case(), person("tm-1")
    earlier = allocated(allocating(the_case, "tm-1"), the_case, auditor)
    await (given_cycle(spec, the_case)
           .given(allocation_stream(CYCLE, the_case.case_id), earlier)
           .when(partial(allocate_case.handle, allocating(the_case, "tm-1"),
                         ListDirectory(people=[auditor])))
           .then_fails(RuleBroken, "already allocated"))


@pytest.mark.parametrize("missing", ["cycle", "case", "pool"])
async def test_allocating_needs_an_open_cycle_a_registered_case_and_an_auditor_in_the_pool(
    spec: Scenario, missing: str
) -> None:
    the_case = case()
    if missing != "cycle":
        spec.given(cycle_stream(CYCLE), opened())
    if missing != "case":
        spec.given(case_stream(the_case.case_id), the_case)
    pool = ListDirectory(people=[] if missing == "pool" else [person("tm-1")])
    await (spec.when(partial(allocate_case.handle, allocating(the_case, "tm-1"), pool))
           .then_fails(NotFound, missing))


# --- reallocating ----------------------------------------------------------------------


async def test_a_reallocation_moves_the_audit_with_its_reason_under_the_same_rules(
    spec: Scenario,
) -> None:
    the_case, first, second = case(team="east-1"), person("tm-1"), person("tm-2")
    same_team = person("tm-3", team="east-1")
    earlier = allocated(allocating(the_case, "tm-1"), the_case, first)
    placed = Placed(earlier.allocation_id, AREA, MONTH, CYCLE, the_case.case_id, "tm-1",
                    "manual")
    directory = ListDirectory(people=[first, second, same_team], placed=[placed])
    given_cycle(spec, the_case).given(allocation_stream(CYCLE, the_case.case_id), earlier)

    await (spec.when(partial(reallocate.handle, earlier.allocation_id, "tm-3", "sickness",
                             directory)).then_fails(RuleBroken, "own team"))
    await spec.when(partial(reallocate.handle, earlier.allocation_id, "tm-2",
                            "conflict-of-interest", directory)).then(
        CaseReallocated(allocation_id=earlier.allocation_id, cycle_id=CYCLE, month=MONTH,
                        from_auditor_id="tm-1", auditor_id="tm-2", auditor_team="west-2",
                        reason="conflict-of-interest"))


async def test_a_submitted_audit_stays_with_its_auditor(spec: Scenario) -> None:
    the_case, first = case(), person("tm-1")
    earlier = allocated(allocating(the_case, "tm-1"), the_case, first)
    directory = ListDirectory(people=[first, person("tm-2")], placed=[Placed(
        earlier.allocation_id, AREA, MONTH, CYCLE, the_case.case_id, "tm-1", "manual")])
    await (given_cycle(spec, the_case)
           .given(allocation_stream(CYCLE, the_case.case_id), earlier, AuditReturnRecorded(
               allocation_id=earlier.allocation_id, audit_id=uuid.uuid4(), submission=1,
               late=False))
           .when(partial(reallocate.handle, earlier.allocation_id, "tm-2", "sickness",
                         directory))
           .then_fails(RuleBroken, "submitted"))
    await (spec.when(partial(reallocate.handle, uuid.uuid4(), "tm-2", "sickness", directory))
           .then_fails(NotFound, "no allocation"))

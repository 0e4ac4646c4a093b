"""The automatic allocation of a cycle's draw, through the harness."""

from __future__ import annotations

from functools import partial

from services.allocation.application import run_allocation
from services.allocation.application.queries import Placed
from services.allocation.domain.events import (
    AllocationRunRecorded,
    CasesDrawn,
    CycleTermsRecorded,
    DrawnCase,
    ExemptionRequested,
    Unplaced,
)
from services.allocation.domain.streams import (
    case_stream,
    cycle_id,
    cycle_stream,
    exemption_id,
)
from shared.events.allocation import AuditorExempted, CaseAllocated
from shared.events.vocabulary import ExemptionKind, SelectionReason
from shared.kernel.errors import RuleBroken
from tests.unit.allocation.support import (
    CYCLE,
    MONTH,
    TENANT,
    ListDirectory,
    case,
    opened,
    person,
    scenario,
)


def drawn(*cases: object) -> CasesDrawn:
    return CasesDrawn(cycle_id=CYCLE, register_size=len(cases), selected=[
        DrawnCase(case_id=c.case_id, selection=SelectionReason.CORE,  # type: ignore[attr-defined]
                  audit_tool="core", why="core: open") for c in cases])


async def test_the_run_places_what_it_can_rests_part_timers_and_says_why_not_the_rest(
) -> None:
    east, west = case(team="east-1"), case(team="west-2", child_ref="CR-00124")
    only_east = case(team="east-1", child_ref="CR-00125")
    pool = ListDirectory(people=[person("tm-w", "west-2"), person("tm-n", "north-3"),
                                 person("pt-1", "north-3", part_time=True)])
    # pt-1 audited last month: this month is their month off.
    february = cycle_id(TENANT, "childrens-social-care", "2026-02")
    pool.placed.append(Placed(CYCLE, "childrens-social-care", "2026-02", february,
                              CYCLE, "pt-1", "core"))
    spec = scenario().given(cycle_stream(CYCLE), opened(seed=3),
                            CycleTermsRecorded(cycle_id=CYCLE, own_team_audits="forbidden"),
                            drawn(east, west, only_east))
    for each in (east, west, only_east):
        spec.given(case_stream(each.case_id), each)

    result, recorded = await spec.when(partial(run_allocation.handle, MONTH, pool)).run()

    rest = exemption_id(TENANT, "pt-1", MONTH)
    assert recorded[:2] == [
        ExemptionRequested(exemption_id=rest, cycle_id=CYCLE, month=MONTH, person_id="pt-1",
                           kind=ExemptionKind.PART_TIME_MONTH, non_operational=True),
        AuditorExempted(cycle_id=CYCLE, month=MONTH, person_id="pt-1",
                        kind=ExemptionKind.PART_TIME_MONTH, non_operational=True)]
    allocations = [e for e in recorded if isinstance(e, CaseAllocated)]
    assert {(a.case_id, a.auditor_id) for a in allocations} in (
        {(west.case_id, "tm-n"), (east.case_id, "tm-w")},
        {(west.case_id, "tm-n"), (only_east.case_id, "tm-w")})
    left = ({east.case_id, only_east.case_id} - {a.case_id for a in allocations}).pop()
    reason = ("each of the 2 auditor(s) who may audit it already holds 1 audit(s) "
              "this month")
    assert recorded[-1] == AllocationRunRecorded(
        cycle_id=CYCLE, allocated=2, unplaced=[Unplaced(case_id=left, reason=reason)],
        resting=["pt-1"])
    assert [u.reason for u in result.unplaced] == [reason]


async def test_a_cycle_without_a_draw_has_nothing_to_run() -> None:
    await (scenario().given(cycle_stream(CYCLE), opened())
           .when(partial(run_allocation.handle, MONTH, ListDirectory()))
           .then_fails(RuleBroken, "no draw to allocate"))

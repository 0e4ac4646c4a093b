"""Properties of the draw and the placement over random registers, pools and policies:
no rule is ever broken, every case left unplaced is reported with a reason that is true,
and the same inputs always give the same answer. The checks here are written afresh from
the rules' wording, not by calling the code under test."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.allocation.domain.events import CaseRecorded
from services.allocation.domain.placement import Policy, place
from services.allocation.domain.selection import draw
from shared.events.allocation import StaffMemberRecorded
from shared.events.common import LegalStatus
from shared.events.vocabulary import CaseFilter, SelectionReason, SelectionRules, ThemedSelection
from tests.unit.allocation.support import person

TEAMS = ["east", "west", "north"]
STATUSES = [LegalStatus.CHILD_IN_NEED, LegalStatus.CHILD_PROTECTION, LegalStatus.CHILD_IN_CARE]
TODAY = date(2026, 3, 2)


@st.composite
def pools(draw_: st.DrawFn) -> list[StaffMemberRecorded]:
    size = draw_(st.integers(0, 10))
    return [person(f"p-{i}", draw_(st.sampled_from(TEAMS)), part_time=draw_(st.booleans()))
            for i in range(size)]


@st.composite
def registers(draw_: st.DrawFn, people: list[str]) -> list[CaseRecorded]:
    size = draw_(st.integers(0, 14))
    staff = st.one_of(st.none(), st.sampled_from(people)) if people else st.none()
    return [CaseRecorded(
        case_id=uuid.UUID(int=draw_(st.integers(0, 2**64))), changes=["registered"],
        child_ref=f"CH-{i:04d}", team=draw_(st.sampled_from(TEAMS)),
        legal_status=draw_(st.sampled_from(STATUSES)), social_worker_id=draw_(staff),
        manager_id=draw_(staff),
        flags=draw_(st.lists(st.sampled_from(["neglect", "step-up", "under-two"]),
                             unique=True)),
        closed_on=draw_(st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2026, 3, 1)))))
        for i in range(size)]


def may(case: CaseRecorded, auditor: StaffMemberRecorded, own_team: str,
        exempted: set[str], resting: set[str]) -> bool:
    """The rules as the issue words them."""
    return (auditor.person_id not in (case.social_worker_id, case.manager_id)
            and (own_team == "allowed" or auditor.team != case.team)
            and auditor.person_id not in exempted and auditor.person_id not in resting)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_placement_breaks_no_rule_and_says_truly_why_a_case_is_left(data: st.DataObject) -> None:
    pool = data.draw(pools())
    ids = [p.person_id for p in pool]
    cases = list({c.case_id: c for c in data.draw(registers(ids))}.values())
    policy = Policy(data.draw(st.sampled_from(["forbidden", "allowed"])),
                    data.draw(st.integers(1, 3)))
    load = {i: data.draw(st.integers(0, 2)) for i in ids}
    exempted = set(data.draw(st.lists(st.sampled_from(ids), unique=True))) if ids else set()
    last_month = set(data.draw(st.lists(st.sampled_from(ids), unique=True))) if ids else set()
    seed = data.draw(st.integers(0, 2**31))

    plan = place(cases, pool, policy, load=load, exempted=exempted,
                 audited_last_month=last_month, seed=seed)

    resting = {p.person_id for p in pool if p.working_pattern == "part-time"
               and p.person_id in last_month}
    assert set(plan.resting) == resting
    by_id = {p.person_id: p for p in pool}
    unplaced = {u.case_id: u.reason for u in plan.unplaced}
    assert set(plan.assignments) | set(unplaced) == {c.case_id for c in cases}
    assert not set(plan.assignments) & set(unplaced)
    held = Counter(plan.assignments.values())
    for case in cases:
        if case.case_id in plan.assignments:
            auditor = by_id[plan.assignments[case.case_id]]
            assert may(case, auditor, policy.own_team_audits, exempted, resting)
    for person_id, count in held.items():
        assert load[person_id] + count <= policy.per_auditor
    for case in cases:
        if case.case_id not in unplaced:
            continue
        eligible = [p for p in pool if may(case, p, policy.own_team_audits, exempted, resting)]
        assert unplaced[case.case_id]
        if eligible:  # left only because everyone who may audit it is full
            assert "already holds" in unplaced[case.case_id]
            assert all(load[p.person_id] + held[p.person_id] >= policy.per_auditor
                       for p in eligible)
        else:
            assert "may audit it" in unplaced[case.case_id] or not pool
    again = place(list(reversed(cases)), list(reversed(pool)), policy, load=load,
                  exempted=exempted, audited_last_month=last_month, seed=seed)
    assert len(again.assignments) == len(plan.assignments)  # as many placed either way


def test_a_case_is_moved_to_let_another_in() -> None:
    """Two cases: one only tm-a may audit; the other either may. Both are placed."""
    tm_a, tm_b = person("tm-a", "west"), person("tm-b", "north")
    narrow = CaseRecorded(case_id=uuid.uuid4(), changes=[], child_ref="CH-1", team="north",
                          legal_status=LegalStatus.CHILD_IN_NEED)
    broad = CaseRecorded(case_id=uuid.uuid4(), changes=[], child_ref="CH-2", team="east",
                         legal_status=LegalStatus.CHILD_IN_NEED)
    for seed in range(20):
        plan = place([broad, narrow], [tm_a, tm_b], Policy(), load={}, exempted=set(),
                     audited_last_month=set(), seed=seed)
        assert plan.assignments == {narrow.case_id: "tm-a", broad.case_id: "tm-b"}


@st.composite
def rules(draw_: st.DrawFn) -> SelectionRules:
    def a_filter() -> CaseFilter:
        return CaseFilter(
            legal_statuses=draw_(st.lists(st.sampled_from(STATUSES), unique=True, max_size=2)),
            state=draw_(st.sampled_from(["open", "closed", "any"])),
            closed_within_months=draw_(st.integers(1, 12)),
            flags_all=draw_(st.lists(st.sampled_from(["neglect", "step-up"]), unique=True,
                                     max_size=1)))
    core = draw_(st.integers(0, 8))
    quotas = {s: draw_(st.integers(0, 2)) for s in draw_(st.lists(
        st.sampled_from(STATUSES), unique=True, max_size=2))}
    if sum(quotas.values()) > core:
        quotas = {}
    themed = [ThemedSelection(kind=draw_(st.sampled_from(["theme", "dip-sample"])),
                              theme=f"t{i}", count=draw_(st.integers(1, 3)), filter=a_filter(),
                              audit_tool="themed") for i in range(draw_(st.integers(0, 2)))]
    return SelectionRules(core_audits=core, core_filter=a_filter(), legal_status_quotas=quotas,
                          themed=themed)


def fits(case_filter: CaseFilter, case: CaseRecorded) -> bool:
    """The filter as the contract documents it, written afresh."""
    months_ago = (TODAY.year - case.closed_on.year) * 12 + TODAY.month - case.closed_on.month \
        if case.closed_on else 0
    recent = case.closed_on is not None and (
        months_ago < case_filter.closed_within_months
        or (months_ago == case_filter.closed_within_months
            and case.closed_on.day >= TODAY.day))
    state_ok = {"open": case.closed_on is None, "closed": recent,
                "any": case.closed_on is None or recent}[case_filter.state]
    return (state_ok and (not case_filter.legal_statuses
                          or case.legal_status in case_filter.legal_statuses)
            and set(case_filter.flags_all) <= set(case.flags))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_draw_keeps_to_its_rules_and_is_the_same_again(data: st.DataObject) -> None:
    the_rules = data.draw(rules())
    register = list({c.case_id: c for c in data.draw(registers([]))}.values())
    seed = data.draw(st.integers(0, 2**31))

    result = draw(the_rules, seed, register, TODAY)

    chosen = [d.case_id for d in result.selected]
    assert len(chosen) == len(set(chosen))
    by_id = {c.case_id: c for c in register}
    themed = {t.theme: t for t in the_rules.themed}
    for drawn in result.selected:
        case = by_id[drawn.case_id]
        if drawn.selection is SelectionReason.CORE:
            assert fits(the_rules.core_filter, case)
        else:
            assert drawn.theme is not None
            assert fits(themed[drawn.theme].filter, case)
    core = sum(d.selection is SelectionReason.CORE for d in result.selected)
    assert core <= the_rules.core_audits
    if core < the_rules.core_audits:
        assert result.shortfalls
        eligible = [c for c in register if fits(the_rules.core_filter, c)]
        assert core == len([c for c in eligible if c.case_id not in
                            {d.case_id for d in result.selected
                             if d.selection is not SelectionReason.CORE}])
    shuffled = list(register)
    random.Random(seed).shuffle(shuffled)
    assert draw(the_rules, seed, shuffled, TODAY) == result

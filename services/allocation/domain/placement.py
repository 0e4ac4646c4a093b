"""Allocation as a pure function: each drawn case to one auditor who may audit it, as many
cases as the rules allow, the work spread evenly; and for every case it cannot place,
why. Inputs: the cases, the pool as at the month, the authority's own-team policy, the
audits each auditor already holds this cycle, who is exempted, and who audited last month
(a part-timer audits every other month).

It is a maximum matching with capacities, raised one level at a time: first every
auditor may hold one audit (counting those they already hold), and only when no more
cases can be placed that way, two, up to `per_auditor`. Augmenting paths move earlier
placements where that lets one more case in, so a case is left unplaced only when no
assignment of the whole month could place it.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from services.allocation.domain.events import CaseRecorded, OwnTeamAudits, Unplaced
from services.allocation.domain.rules import NOT_OWN_TEAM, Pairing, broken_by
from shared.events.allocation import StaffMemberRecorded
from shared.events.vocabulary import WorkingPattern


@dataclass(frozen=True)
class Plan:
    assignments: dict[uuid.UUID, str] = field(default_factory=dict)  # case -> auditor
    unplaced: list[Unplaced] = field(default_factory=list)
    resting: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Policy:
    own_team_audits: OwnTeamAudits = "forbidden"
    per_auditor: int = 1


def resting_part_timers(pool: Sequence[StaffMemberRecorded],
                        audited_last_month: Collection[str]) -> list[str]:
    return sorted(p.person_id for p in pool if p.working_pattern is WorkingPattern.PART_TIME
                  and p.person_id in audited_last_month)


def why_not(case: CaseRecorded, person: StaffMemberRecorded, policy: Policy,
            exempted: Collection[str], resting: Collection[str]) -> list[str]:
    """Every reason `person` may not audit `case` (empty: they may)."""
    reasons = [rule.message for rule in broken_by(Pairing(case, person, policy.own_team_audits))]
    if person.person_id in exempted:
        reasons.append("exempted this month")
    if person.person_id in resting:
        reasons.append("a part-timer's month off")
    return reasons


def place(cases: Sequence[CaseRecorded], pool: Sequence[StaffMemberRecorded],
          policy: Policy, *, load: Mapping[str, int], exempted: Collection[str],
          audited_last_month: Collection[str], seed: int) -> Plan:
    resting = resting_part_timers(pool, audited_last_month)
    people = sorted(pool, key=lambda p: p.person_id)
    random.Random(seed).shuffle(people)  # who is tried first: fair, and reproducible
    may = {case.case_id: [p.person_id for p in people
                          if not why_not(case, p, policy, exempted, resting)]
           for case in cases}
    matched: dict[uuid.UUID, str] = {}
    holding: dict[str, list[uuid.UUID]] = {p.person_id: [] for p in people}

    def augment(case: uuid.UUID, level: int, seen: set[str]) -> bool:
        for person in may[case]:
            if person in seen:
                continue
            seen.add(person)
            if load.get(person, 0) + len(holding[person]) < level:
                holding[person].append(case)
                matched[case] = person
                return True
            for other in list(holding[person]):
                if augment(other, level, seen):
                    holding[person].remove(other)
                    holding[person].append(case)
                    matched[case] = person
                    return True
        return False

    for level in range(1, policy.per_auditor + 1):
        for case in cases:
            if case.case_id not in matched:
                augment(case.case_id, level, set())
    plan = Plan(resting=resting)
    for case in cases:
        if case.case_id in matched:
            plan.assignments[case.case_id] = matched[case.case_id]
        else:
            plan.unplaced.append(Unplaced(case_id=case.case_id, reason=reason(
                case, people, may[case.case_id], policy, exempted, resting)))
    return plan


def reason(case: CaseRecorded, people: Sequence[StaffMemberRecorded], eligible: list[str],
           policy: Policy, exempted: Collection[str], resting: Collection[str]) -> str:
    if eligible:
        return (f"each of the {len(eligible)} auditor(s) who may audit it already holds "
                f"{policy.per_auditor} audit(s) this month")
    if not people:
        return "the pool has no auditors in this service area this month"
    counted = Counter(why for p in people for why in why_not(case, p, policy, exempted,
                                                              resting))
    own = " (own-team audits are forbidden)" if NOT_OWN_TEAM.message in counted else ""
    return (f"none of the {len(people)} auditor(s) may audit it{own}: "
            + "; ".join(f"{count} - {why}" for why, count in sorted(counted.items())))

"""The month's draw: which registered cases are audited, chosen at random within the
rules, reproducibly. A pure function of (rules, seed, the register as at the opening,
the opening day): the same inputs always draw the same cases, so the draw recorded on the
cycle's stream can be drawn again in front of an inspector.

Order: themed audits and dip samples first (their filters are narrow), then the core
audits' legal-status quotas, then the rest of the core audits from any status. A case is
drawn at most once. Whatever part of the rules finds too few cases is a shortfall.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.allocation.domain.events import CaseRecorded, DrawnCase, Shortfall
from shared.events.common import LegalStatus
from shared.events.vocabulary import CaseFilter, SelectionReason, SelectionRules
from shared.kernel.clock import last_day_of


@dataclass(frozen=True)
class Draw:
    selected: list[DrawnCase] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (that month's last day where it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = last_day_of(f"{year:04d}-{month + 1:02d}")
    return last.replace(day=min(day.day, last.day))


def matches(case_filter: CaseFilter, case: CaseRecorded, today: date) -> bool:
    if case_filter.legal_statuses and case.legal_status not in case_filter.legal_statuses:
        return False
    if case_filter.teams and case.team not in case_filter.teams:
        return False
    if not set(case_filter.flags_all) <= set(case.flags):
        return False
    recently_closed = (case.closed_on is not None and case.closed_on <= today
                       and case.closed_on >= months_before(
                           today, case_filter.closed_within_months))
    is_open = case.closed_on is None or case.closed_on > today
    if case_filter.state == "open":
        return is_open
    if case_filter.state == "closed":
        return recently_closed
    return is_open or recently_closed


def describe(case_filter: CaseFilter) -> str:
    parts = [case_filter.state if case_filter.state != "closed"
             else f"closed within {case_filter.closed_within_months} months"]
    if case_filter.legal_statuses:
        parts.append("status " + "/".join(s.value for s in case_filter.legal_statuses))
    if case_filter.teams:
        parts.append("team " + "/".join(case_filter.teams))
    if case_filter.flags_all:
        parts.append("flags " + "+".join(case_filter.flags_all))
    return ", ".join(parts)


def within(case_filter: CaseFilter, today: date,
           status: LegalStatus | None = None) -> Callable[[CaseRecorded], bool]:
    def fits(case: CaseRecorded) -> bool:
        return (status is None or case.legal_status == status) and matches(
            case_filter, case, today)

    return fits


def drawn_as(selection: SelectionReason, tool: str, why: str,
             theme: str | None = None) -> Callable[[CaseRecorded], DrawnCase]:
    def make(case: CaseRecorded) -> DrawnCase:
        return DrawnCase(case_id=case.case_id, selection=selection, theme=theme,
                         audit_tool=tool, why=why)

    return make


def draw(rules: SelectionRules, seed: int, register: Sequence[CaseRecorded],
         today: date) -> Draw:
    rng = random.Random(seed)
    # Sorted by id, so the order the register was read in cannot change the draw.
    cases = sorted(register, key=lambda case: str(case.case_id))
    taken: set[str] = set()
    result = Draw()

    def take(what: str, wanted: int, fits: Callable[[CaseRecorded], bool],
             make: Callable[[CaseRecorded], DrawnCase]) -> int:
        pool = [case for case in cases if str(case.case_id) not in taken and fits(case)]
        chosen = rng.sample(pool, min(wanted, len(pool)))
        for case in sorted(chosen, key=lambda c: str(c.case_id)):
            taken.add(str(case.case_id))
            result.selected.append(make(case))
        if len(chosen) < wanted:
            result.shortfalls.append(Shortfall(what=what, wanted=wanted, found=len(chosen)))
        return len(chosen)

    for themed in rules.themed:
        take(f"{themed.kind} {themed.theme}", themed.count, within(themed.filter, today),
             drawn_as(SelectionReason(themed.kind), themed.audit_tool,
                      f"{themed.kind} {themed.theme}: {describe(themed.filter)}",
                      themed.theme))
    core = rules.core_filter
    drawn_core = 0
    for status, quota in sorted(rules.legal_status_quotas.items()):
        if quota > 0:
            drawn_core += take(
                f"core quota {status.value}", quota, within(core, today, status),
                drawn_as(SelectionReason.CORE, rules.core_tool,
                         f"core, quota for {status.value}: {describe(core)}"))
    if rules.core_audits > drawn_core:
        take("core audits", rules.core_audits - drawn_core, within(core, today),
             drawn_as(SelectionReason.CORE, rules.core_tool, f"core: {describe(core)}"))
    return result

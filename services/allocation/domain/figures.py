"""Completion figures, defined as Gloucestershire reports them (QA report, January 2019,
Fig 1):

    completion rate less non-operational exemptions = completed / (pool - non-operational)
    overall completion rate                         = completed / pool

where the pool is the trained auditors at the cycle's opening, non-operational
exemptions are maternity, sickness, extended leave, leaving and a part-timer's month
off, and "completed" is an allocation whose audit was submitted. Worked example (January
2019): pool 82, 12 non-operational and 5 director-authorised exemptions, 65 allocated,
58 completed, 7 nil returns: 58/(82-12) = "58/70 (83%)" net, "58/82 (71%)" overall; one
audit returned below standard leaves 57 completed to standard.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Counts:
    auditors_in_pool: int
    non_operational_exemptions: int
    operational_exemptions: int
    allocated: int
    completed: int
    late_returns: int
    nil_returns: int


def rate(numerator: int, denominator: int) -> str:
    """'58/70 (83%)': the percentage rounded half up, as a person would; '-' for 0."""
    if denominator <= 0:
        return f"{numerator}/{denominator} (-)"
    percent = (200 * numerator + denominator) // (2 * denominator)
    return f"{numerator}/{denominator} ({percent}%)"


def net_rate(counts: Counts) -> str:
    return rate(counts.completed, counts.auditors_in_pool - counts.non_operational_exemptions)


def overall_rate(counts: Counts) -> str:
    return rate(counts.completed, counts.auditors_in_pool)

"""Calibration: how far auditors and moderators agree, per month, auditor, moderator or
element, so "fewer grades changed after moderation" is shown with evidence.

From each moderation decision: the outcome (agreed, grades changed, below standard and
returned) and, for the first two, a pair (auditor's grade, moderator's grade) per graded
element and overall: an agreement pairs each grade with itself, a change pairs the
auditor's grade with the moderator's. Grades are put on the reporting scale
(Grade.for_reporting), ordered Inadequate < Requires Improvement < Good < Outstanding
(k = 4 categories, i, j = 0..3).

Linearly weighted Cohen's kappa (Cohen 1968), with p_ij the share of pairs graded i by
the auditor and j by the moderator, p_i. and p_.j the margins:

    w_ij = 1 - |i - j| / (k - 1)
    p_o  = sum_ij w_ij p_ij                 (observed, weighted agreement)
    p_e  = sum_ij w_ij p_i. p_.j            (agreement expected by chance)
    kappa = (p_o - p_e) / (1 - p_e)

Its large-sample standard error (Fleiss, Cohen & Everitt 1969, "Large sample standard
errors of kappa and weighted kappa", Psychological Bulletin 72(5), 323-327), with
w_i. = sum_j p_.j w_ij and w_.j = sum_i p_i. w_ij:

    var = ( sum_ij p_ij [w_ij (1 - p_e) - (w_i. + w_.j)(1 - p_o)]^2
            - (p_o p_e - 2 p_e + p_o)^2 ) / (n (1 - p_e)^4)

and the 95% interval kappa +/- 1.96 sqrt(var), kept within [-1, 1]. Kappa is undefined
when p_e = 1 (every pair in one and the same category: chance alone would agree) or when
there are no pairs; it is then reported as undefined with the reason, never as NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from shared.events.common import Grade

RANK = {Grade.INADEQUATE: 0, Grade.REQUIRES_IMPROVEMENT: 1, Grade.GOOD: 2, Grade.OUTSTANDING: 3}
K = len(RANK)
Z_95 = 1.959963984540054
By = Literal["all", "month", "auditor", "moderator", "element"]


def rank(grade: Grade) -> int:
    return RANK[grade.for_reporting]


@dataclass(frozen=True)
class Pair:
    element: str  # an element id, or "overall"
    auditor: Grade
    moderator: Grade


@dataclass(frozen=True)
class Decision:
    month: str
    auditor_id: str
    moderator_id: str
    outcome: str  # agreed | grades-changed | below-standard
    pairs: tuple[Pair, ...] = ()


@dataclass(frozen=True)
class Kappa:
    pairs: int
    value: float | None = None
    standard_error: float | None = None
    low: float | None = None
    high: float | None = None
    undefined_because: str | None = None


def weighted_kappa(pairs: Sequence[tuple[Grade, Grade]]) -> Kappa:
    n = len(pairs)
    if n == 0:
        return Kappa(0, undefined_because="no grades compared")
    counts = [[0] * K for _ in range(K)]
    for auditor, moderator in pairs:
        counts[rank(auditor)][rank(moderator)] += 1
    p = [[count / n for count in row] for row in counts]
    rows = [sum(p[i]) for i in range(K)]
    cols = [sum(p[i][j] for i in range(K)) for j in range(K)]

    def w(i: int, j: int) -> float:
        return 1 - abs(i - j) / (K - 1)

    p_o = sum(w(i, j) * p[i][j] for i in range(K) for j in range(K))
    p_e = sum(w(i, j) * rows[i] * cols[j] for i in range(K) for j in range(K))
    if math.isclose(p_e, 1.0, abs_tol=1e-12):
        return Kappa(n, undefined_because="every grade compared was the same single "
                     "category on both sides, so chance alone agrees (p_e = 1)")
    kappa = (p_o - p_e) / (1 - p_e)
    w_row = [sum(cols[j] * w(i, j) for j in range(K)) for i in range(K)]
    w_col = [sum(rows[i] * w(i, j) for i in range(K)) for j in range(K)]
    spread = sum(p[i][j] * (w(i, j) * (1 - p_e) - (w_row[i] + w_col[j]) * (1 - p_o)) ** 2
                 for i in range(K) for j in range(K))
    variance = (spread - (p_o * p_e - 2 * p_e + p_o) ** 2) / (n * (1 - p_e) ** 4)
    se = math.sqrt(max(variance, 0.0))
    return Kappa(n, kappa, se, max(-1.0, kappa - Z_95 * se), min(1.0, kappa + Z_95 * se))


@dataclass(frozen=True)
class Group:
    key: str
    decisions: int
    agreed: int
    grades_changed: int
    returned: int
    grades_compared: int
    changed_up: int  # the moderator graded higher than the auditor
    changed_down: int
    kappa: dict[str, Kappa]  # per element, and "overall"

    def share(self, count: int) -> float | None:
        return round(count / self.decisions, 4) if self.decisions else None


def group(key: str, decisions: Sequence[Decision],
          keep: Callable[[Pair], bool] = lambda _: True) -> Group:
    pairs = [pair for d in decisions for pair in d.pairs if keep(pair)]
    changed = [pair for pair in pairs if rank(pair.auditor) != rank(pair.moderator)]
    elements = sorted({pair.element for pair in pairs}, key=lambda e: (e == "overall", e))
    return Group(
        key=key, decisions=len(decisions),
        agreed=sum(d.outcome == "agreed" for d in decisions),
        grades_changed=sum(d.outcome == "grades-changed" for d in decisions),
        returned=sum(d.outcome == "below-standard" for d in decisions),
        grades_compared=len(pairs),
        changed_up=sum(rank(p.moderator) > rank(p.auditor) for p in changed),
        changed_down=sum(rank(p.moderator) < rank(p.auditor) for p in changed),
        kappa={element: weighted_kappa([(p.auditor, p.moderator) for p in pairs
                                        if p.element == element]) for element in elements})


def only(element: str) -> Callable[[Pair], bool]:
    return lambda pair: pair.element == element


def calibrate(decisions: Iterable[Decision], by: By) -> list[Group]:
    """One group per month, auditor, moderator or element (or one for all), in key order.
    An element's group holds the decisions that graded it, and only its pairs."""
    every = list(decisions)
    if by == "all":
        return [group("all", every)]
    if by == "element":
        elements = sorted({p.element for d in every for p in d.pairs},
                          key=lambda e: (e == "overall", e))
        return [group(e, [d for d in every if any(p.element == e for p in d.pairs)],
                      only(e)) for e in elements]
    key_of: dict[str, Callable[[Decision], str]] = {
        "month": lambda d: d.month, "auditor": lambda d: d.auditor_id,
        "moderator": lambda d: d.moderator_id}
    keys = sorted({key_of[by](d) for d in every})
    return [group(k, [d for d in every if key_of[by](d) == k]) for k in keys]

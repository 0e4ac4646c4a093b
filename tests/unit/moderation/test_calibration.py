"""Calibration: linearly weighted kappa against examples worked by hand, and the shares,
directions and groupings leaders read."""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest

from services.moderation.domain.calibration import Decision, Pair, calibrate, weighted_kappa
from shared.events.common import Grade

OUT, G, RI, A, BAD = (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT,
                      Grade.ADEQUATE, Grade.INADEQUATE)


def test_perfect_agreement_is_one_with_no_uncertainty() -> None:
    """3 Good/Good, 2 RI/RI, 1 Outstanding/Outstanding: every pair on the diagonal, so
    p_o = 1 whatever p_e (< 1 here), kappa = (1 - p_e)/(1 - p_e) = 1; the variance's
    bracket is (1 - p_e)^2 - (p_e - 2 p_e + 1)^2 = 0, so SE = 0 and the interval is [1, 1]."""
    kappa = weighted_kappa([(G, G)] * 3 + [(RI, RI)] * 2 + [(OUT, OUT)])
    assert kappa.value == pytest.approx(1.0)
    assert kappa.standard_error == pytest.approx(0.0, abs=1e-6)
    assert kappa.low == pytest.approx(1.0)
    assert kappa.high == pytest.approx(1.0)


def test_no_agreement_at_all_is_minus_one() -> None:
    """Outstanding/Inadequate and Inadequate/Outstanding: the two ends of the scale, weight
    0 each, so p_o = 0. Margins are 1/2 and 1/2 on both sides, so p_e = 1/4 (w=1, O/O)
    + 1/4 (w=1, I/I) + 1/4 * 0 + 1/4 * 0 = 1/2, and kappa = (0 - 1/2)/(1 - 1/2) = -1."""
    kappa = weighted_kappa([(OUT, BAD), (BAD, OUT)])
    assert kappa.value == pytest.approx(-1.0)
    assert kappa.low == pytest.approx(-1.0)


def test_a_single_category_on_both_sides_leaves_kappa_undefined_not_nan() -> None:
    """Every pair Good/Good: p_o = 1 and p_e = 1, so kappa = 0/0. Undefined, and said."""
    kappa = weighted_kappa([(G, G)] * 5)
    assert kappa.value is None
    assert kappa.standard_error is None
    assert kappa.undefined_because is not None
    assert "single category" in kappa.undefined_because
    assert weighted_kappa([]).undefined_because == "no grades compared"


def test_a_three_grade_table_worked_by_hand() -> None:
    """10 pairs (auditor, moderator), ranks I=0, RI=1, G=2, O=3, weights 1 - |i-j|/3:

        auditor \\ moderator   G    RI   I    | rows
        G                     3    1    0    | 4/10
        RI                    1    2    1    | 4/10
        I                     0    0    2    | 2/10
        columns               4/10 3/10 3/10

    p_o = 7/10 (diagonal) + 3/10 * 2/3 (one step off) = 9/10.
    p_e = 4/10 (4/10 + 3/10*2/3 + 3/10*1/3) + 4/10 (4/10*2/3 + 3/10 + 3/10*2/3)
        + 2/10 (4/10*1/3 + 3/10*2/3 + 3/10) = 28/100 + 46/150 + 19/150 = 107/150.
    kappa = (135/150 - 107/150) / (43/150) = 28/43 = 0.6512.
    w_i. (rows G, RI, I) = 21/30, 23/30, 19/30; w_.j (columns) = 22/30, 24/30, 18/30;
    the standard error follows (Fleiss, Cohen & Everitt 1969), computed here exactly."""
    pairs = [(G, G)] * 3 + [(G, RI)] + [(RI, G)] + [(RI, RI)] * 2 + [(RI, BAD)] + [(BAD, BAD)] * 2
    kappa = weighted_kappa(pairs)
    assert kappa.value == pytest.approx(28 / 43)

    n, p_o, p_e = 10, F(9, 10), F(107, 150)
    cells = {("G", "G"): 3, ("G", "RI"): 1, ("RI", "G"): 1, ("RI", "RI"): 2, ("RI", "I"): 1,
             ("I", "I"): 2}
    rank = {"I": 0, "RI": 1, "G": 2}
    w_row = {"G": F(21, 30), "RI": F(23, 30), "I": F(19, 30)}
    w_col = {"G": F(22, 30), "RI": F(24, 30), "I": F(18, 30)}
    spread = sum(F(count, n) * ((1 - F(abs(rank[i] - rank[j]), 3)) * (1 - p_e)
                                - (w_row[i] + w_col[j]) * (1 - p_o)) ** 2
                 for (i, j), count in cells.items())
    variance = (spread - (p_o * p_e - 2 * p_e + p_o) ** 2) / (n * (1 - p_e) ** 4)
    assert kappa.standard_error == pytest.approx(math.sqrt(variance))
    assert kappa.low == pytest.approx(28 / 43 - 1.959964 * math.sqrt(variance), abs=1e-5)
    assert kappa.high == 1.0  # 0.6512 + 1.96 * 0.181 is above 1: kept within [-1, 1]


def test_two_categories_agree_with_the_unweighted_textbook_formula() -> None:
    """With only Outstanding and Inadequate used, linear weights are 1 and 0: weighted kappa
    is Cohen's kappa, and its SE must equal Fleiss, Cohen & Everitt's unweighted one.
    a=20 (O,O), b=5 (O,I), c=10 (I,O), d=15 (I,I), n=50: p_o = 35/50, rows 1/2 1/2,
    columns 3/5 2/5, p_e = 1/2, kappa = (7/10 - 1/2)/(1/2) = 2/5.
    var = [sum_i p_ii (1 - (p_i. + p_.i)(1 - k))^2 + (1 - k)^2 sum_{i!=j} p_ij (p_.i + p_j.)^2
           - (k - p_e (1 - k))^2] / (n (1 - p_e)^2) = 252/15625, SE = 0.12700."""
    kappa = weighted_kappa([(OUT, OUT)] * 20 + [(OUT, BAD)] * 5 + [(BAD, OUT)] * 10
                           + [(BAD, BAD)] * 15)
    assert kappa.value == pytest.approx(0.4)
    assert kappa.standard_error == pytest.approx(math.sqrt(252 / 15625))


def test_adequate_counts_as_requires_improvement() -> None:
    assert weighted_kappa([(A, RI), (G, G)]).value == pytest.approx(1.0)


def decision(outcome: str, *pairs: Pair, month: str = "2025-03", auditor: str = "aud-1",
             moderator: str = "mod-a") -> Decision:
    return Decision(month, auditor, moderator, outcome, tuple(pairs))


def test_shares_and_the_direction_of_changes_by_moderator() -> None:
    decisions = [
        decision("agreed", Pair("risk", G, G), Pair("overall", G, G)),
        decision("grades-changed", Pair("risk", G, RI), Pair("overall", G, RI)),
        decision("grades-changed", Pair("risk", RI, G), Pair("overall", RI, RI),
                 moderator="mod-b"),
        decision("below-standard", moderator="mod-b"),
    ]
    mod_a, mod_b = calibrate(decisions, "moderator")
    assert (mod_a.key, mod_a.decisions, mod_a.agreed, mod_a.grades_changed) == ("mod-a", 2, 1, 1)
    assert (mod_a.changed_up, mod_a.changed_down) == (0, 2)
    assert (mod_b.share(mod_b.returned), mod_b.changed_up, mod_b.grades_compared) == (0.5, 1, 2)
    assert list(mod_a.kappa) == ["risk", "overall"]
    (everyone,) = calibrate(decisions, "all")
    assert (everyone.decisions, everyone.share(everyone.agreed)) == (4, 0.25)


def test_an_elements_group_holds_only_its_own_grades() -> None:
    decisions = [decision("grades-changed", Pair("risk", G, RI), Pair("overall", G, G)),
                 decision("agreed", Pair("overall", OUT, OUT), month="2025-04")]
    risk_group = next(g for g in calibrate(decisions, "element") if g.key == "risk")
    assert (risk_group.decisions, risk_group.grades_compared, risk_group.changed_down) == (1, 1, 1)
    assert [g.key for g in calibrate(decisions, "month")] == ["2025-03", "2025-04"]
    assert [g.key for g in calibrate(decisions, "element")] == ["risk", "overall"]

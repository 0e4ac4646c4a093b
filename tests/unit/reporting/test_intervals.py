"""Honest small numbers against the textbook: Wilson's interval for one proportion and
Newcombe's hybrid score interval for a difference, as tabulated by Newcombe (1998a,
Statistics in Medicine 17:857-872, Table II, method 3; 1998b, 17:873-890, method 10)."""

from __future__ import annotations

import pytest

from services.reporting.domain.intervals import Change, Share, newcombe, percent, wilson


@pytest.mark.parametrize(("part", "whole", "low", "high"), [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombe_1998a(part: int, whole: int, low: float, high: float) -> None:
    assert wilson(part, whole) == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(("a", "m", "b", "n", "low", "high"), [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
])
def test_a_difference_matches_newcombe_1998b(a: int, m: int, b: int, n: int, low: float,
                                              high: float) -> None:
    assert newcombe(a, m, b, n) == pytest.approx((low, high), abs=5e-5)


def test_a_share_shows_its_count_beside_its_percentage() -> None:
    # Gloucestershire's completion net of non-operational exemptions.
    assert Share.of_(58, 70).text == "58/70 (83%)"
    assert Share.of_(0, 0).text == "0/0 (n/a)"
    assert percent(1, 8) == 13  # 12.5 rounds half up


def test_a_change_is_called_a_change_only_when_the_interval_leaves_zero_out() -> None:
    big = Change.between(Share.of_(56, 70), Share.of_(48, 80))
    assert (big.points, big.verdict) == (20, "up")  # 80% against 60%
    # The same percentages on ten audits a month: the interval spans zero.
    small = Change.between(Share.of_(8, 10), Share.of_(6, 10))
    assert (small.points, small.verdict) == (20, "no clear change")
    assert Change.between(Share.of_(3, 4), Share.of_(0, 0)).verdict == "not comparable"


def test_more_than_the_whole_is_shown_as_counts_not_a_proportion() -> None:
    # The chaos run's month: 16 audits returned by a pool of 5 auditors (each did
    # several) answered 500 from a square root of a negative number.
    share = Share.of_(16, 5)
    assert share.text == "16/5 (more than the whole)"
    assert (share.percent, share.low, share.high) == (None, None, None)
    assert Change.between(share, Share.of_(3, 5)).verdict == "not comparable"
    with pytest.raises(ValueError, match="not a proportion"):
        wilson(6, 5)

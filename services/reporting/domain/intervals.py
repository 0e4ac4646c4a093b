"""Honest small numbers: every share shows its count, and a month-on-month comparison is
called a change only when the 95% interval of the difference leaves zero out.

- A share's interval is Wilson's score interval (Wilson 1927), which stays inside 0-1 and
  behaves at 0/n and n/n where the textbook "p plus or minus 1.96 standard errors" does
  not (Newcombe 1998a, method 3).
- The difference of two independent shares uses Newcombe's hybrid score interval built
  from the two Wilson intervals (Newcombe 1998b, method 10):
  L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).

Percentages shown to people are whole numbers rounded half up in integer arithmetic, so
no float decides a figure leaders are held to; the intervals are floats, shown to three
decimals.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal


def percent(part: int, whole: int) -> int | None:
    """Whole-number percentage rounded half up; None when there is nothing to divide."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


def wilson(part: int, whole: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for part/whole; (0, 1) when there is nothing to divide."""
    if whole <= 0:
        return (0.0, 1.0)
    if not 0 <= part <= whole:
        raise ValueError(f"{part} of {whole} is not a proportion")
    p = part / whole
    z2 = z * z
    centre = (p + z2 / (2 * whole)) / (1 + z2 / whole)
    half = (z / (1 + z2 / whole)) * math.sqrt(p * (1 - p) / whole + z2 / (4 * whole * whole))
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe(part_1: int, whole_1: int, part_2: int, whole_2: int,
             z: float = Z95) -> tuple[float, float]:
    """The 95% interval of p1 - p2 (Newcombe's method 10); (-1, 1) if either is empty."""
    if whole_1 <= 0 or whole_2 <= 0:
        return (-1.0, 1.0)
    p1, p2 = part_1 / whole_1, part_2 / whole_2
    l1, u1 = wilson(part_1, whole_1, z)
    l2, u2 = wilson(part_2, whole_2, z)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


class Share(BaseModel):
    """`count` of `of`, e.g. 58 of 70: "58/70 (83%)", with its 95% Wilson interval."""

    model_config = ConfigDict(frozen=True)

    count: int
    of: int
    percent: int | None
    low: float | None
    high: float | None

    @classmethod
    def of_(cls, count: int, whole: int) -> Share:
        # More than the whole is no proportion: audits counted against auditors in the
        # pool when some auditors returned more than one, or the pool's news still on its
        # way. The counts are shown as they are; no percentage, no interval.
        if whole <= 0 or count > whole:
            return cls(count=count, of=whole, percent=None, low=None, high=None)
        low, high = wilson(count, whole)
        return cls(count=count, of=whole, percent=percent(count, whole),
                   low=round(low, 3), high=round(high, 3))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        shown = ("more than the whole" if self.count > self.of > 0
                 else "n/a" if self.percent is None else f"{self.percent}%")
        return f"{self.count}/{self.of} ({shown})"

    @property
    def interval_text(self) -> str:
        if self.low is None or self.high is None:
            return "n/a"
        return f"{_pct(self.low)}-{_pct(self.high)}"


Verdict = Literal["up", "down", "no clear change", "not comparable"]


class Change(BaseModel):
    """This month's share against last month's: the difference in percentage points, its
    95% interval (Newcombe), and the verdict it supports."""

    model_config = ConfigDict(frozen=True)

    now: Share
    before: Share
    points: int | None  # whole percentage points, now minus before
    low: float | None
    high: float | None
    verdict: Verdict

    @classmethod
    def between(cls, now: Share, before: Share) -> Change:
        if now.of <= 0 or before.of <= 0 or now.percent is None or before.percent is None:
            return cls(now=now, before=before, points=None, low=None, high=None,
                       verdict="not comparable")
        low, high = newcombe(now.count, now.of, before.count, before.of)
        verdict: Verdict = "up" if low > 0 else "down" if high < 0 else "no clear change"
        return cls(now=now, before=before, points=now.percent - before.percent,
                   low=round(low, 3), high=round(high, 3), verdict=verdict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        if self.points is None or self.low is None or self.high is None:
            return "not comparable (a month with nothing to count)"
        return (f"{self.points:+d} points ({_pct(self.low)} to {_pct(self.high)}): "
                f"{self.verdict}")


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"

"""The report's figures as SVG charts, drawn on the server with matplotlib, so the page
prints and archives as it looked (no script, no chart library in the browser)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from services.reporting.domain.intervals import Share
from services.reporting.domain.report import GRADES, GradeDistribution, HowMuch

# Ofsted's grades in colours that survive a greyscale printer (dark to light).
COLOURS = {"outstanding": "#1b5e20", "good": "#66bb6a", "requires-improvement": "#ffb74d",
           "inadequate": "#c62828"}
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "qa-report",
                     "font.size": 9, "figure.dpi": 100})


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]  # inline in the page: no XML declaration


def completion(much: HowMuch) -> str:
    """Fig 1: completion by month, net of non-operational exemptions, with its interval."""
    months = [a.period for a in much.by_month]
    shares = [a.completion_net_of_non_operational for a in much.by_month]
    figure, axes = plt.subplots(figsize=(7.5, 2.6))
    values = [s.percent or 0 for s in shares]
    low = [v - 100 * (s.low or 0) if s.percent is not None else 0 for v, s in zip(
        values, shares, strict=True)]
    high = [100 * (s.high or 0) - v if s.percent is not None else 0 for v, s in zip(
        values, shares, strict=True)]
    axes.bar(months, values, color="#1565c0", yerr=[low, high], capsize=2, ecolor="#555")
    for x, share in enumerate(shares):
        axes.annotate(f"{share.count}/{share.of}", (x, 2), ha="center", fontsize=7,
                      color="white" if (share.percent or 0) > 10 else "black")
    axes.set_ylim(0, 105)
    axes.set_ylabel("% completed")
    axes.tick_params(axis="x", labelrotation=45)
    axes.set_title("Completion net of non-operational exemptions (95% interval)")
    return _svg(figure)


def grades(rows: Sequence[tuple[str, dict[str, Share]]], title: str) -> str:
    """Figs 2-5: stacked grade counts per group (month, legal status or element)."""
    labels = [label for label, _ in rows]
    figure, axes = plt.subplots(figsize=(7.5, max(2.0, 0.3 * len(rows) + 1.0)))
    left = [0] * len(rows)
    for grade in GRADES:
        counts = [shares[grade].count for _, shares in rows]
        axes.barh(labels, counts, left=left, color=COLOURS[grade],
                  label=grade.replace("-", " "))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("audits")
    axes.set_title(title)
    axes.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    return _svg(figure)


def distributions(rows: Sequence[GradeDistribution], title: str) -> str:
    return grades([(row.group.replace("-", " "), row.grades) for row in rows], title)

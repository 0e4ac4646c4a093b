"""One CSV per figure of the monthly report, for a spreadsheet or another system: each
share as its count, its whole and its percentage in columns of their own."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum

from services.reporting.domain.intervals import Share
from services.reporting.domain.report import GRADES, GradeDistribution, MonthlyReport

Row = Sequence[object]


class Figure(StrEnum):
    ACTIVITY = "activity-by-month"
    GRADES = "grades-by-month"
    GRADES_BEFORE_MODERATION = "grades-before-moderation-by-month"
    LEGAL_STATUS = "grades-by-legal-status"
    PRACTICE_PROFILE = "practice-profile"
    MODERATION = "moderation-by-month"
    TRACKER = "tracker"
    CONCERNS = "children-of-concern"
    ENGAGEMENT = "engagement"
    THEMES = "learning-themes"


def _share(name: str) -> list[str]:
    return [f"{name}", f"{name}_of", f"{name}_percent"]


def _cells(share: Share) -> list[object]:
    return [share.count, share.of, "" if share.percent is None else share.percent]


def _grade_rows(groups: Iterable[tuple[str, int, dict[str, Share]]]) -> list[Row]:
    return [[group, audits, *(cell for g in GRADES for cell in _cells(shares[g]))]
            for group, audits, shares in groups]


def _grade_head(first: str) -> list[str]:
    return [first, "audits", *(column for g in GRADES for column in _share(g))]


def _distributions(rows: Sequence[GradeDistribution]) -> list[Row]:
    return _grade_rows((d.group, d.audits, d.grades) for d in rows)


def _activity(r: MonthlyReport) -> tuple[list[str], list[Row]]:
    head = ["month", "auditors_in_pool", "non_operational_exemptions",
            "operational_exemptions", "allocated", "completed", "nil_returns", "late_returns",
            "completed_to_standard", *_share("completion_net_of_non_operational"),
            *_share("completion_overall")]
    return head, [[a.period, "" if a.auditors_in_pool is None else a.auditors_in_pool,
                   a.non_operational_exemptions, a.operational_exemptions, a.allocated,
                   a.completed, a.nil_returns, a.late_returns, a.completed_to_standard,
                   *_cells(a.completion_net_of_non_operational),
                   *_cells(a.completion_overall)] for a in r.how_much.by_month]


def _moderation(r: MonthlyReport) -> tuple[list[str], list[Row]]:
    head = ["month", "completed", "moderated", *_share("agreed"), *_share("grades_changed"),
            *_share("below_standard")]
    return head, [[m.month, m.completed, m.moderated, *_cells(m.agreed),
                   *_cells(m.grades_changed), *_cells(m.below_standard)]
                  for m in r.how_well.moderation.by_month]


def _tracker(r: MonthlyReport) -> tuple[list[str], list[Row]]:
    head = ["as_at", "open", *_share("within_timescale"), *_share("overdue"),
            "awaiting_verification", "verified"]
    return head, [[d.day.isoformat(), d.open, *_cells(d.within_timescale),
                   *_cells(d.overdue), d.awaiting_verification, d.verified]
                  for d in (r.actions.previous_month_end, r.actions.now)]


def _concerns(r: MonthlyReport) -> tuple[list[str], list[Row]]:
    days = (r.actions.concerns_previous_month_end, r.actions.concerns)
    awaiting = list(r.actions.concerns.awaiting)
    head = ["as_at", "on_tracker", "category_1", "category_2",
            *(f"awaiting_{a}" for a in awaiting)]
    return head, [[d.day.isoformat(), d.on_tracker, d.by_category["1"], d.by_category["2"],
                   *(d.awaiting[a] for a in awaiting)] for d in days]


def _engagement(r: MonthlyReport) -> tuple[list[str], list[Row]]:
    names = ("with_social_worker", "manager_participated", "child_contacted",
             "parents_or_carers_views", "iro_or_cp_chair_views")
    head = ["month", "audits", *(c for n in names for c in _share(n))]
    months = (r.months[-2], r.months[-1])
    figures = (r.engagement.previous_month, r.engagement.this_month)
    return head, [[m, f.audits, *(c for n in names for c in _cells(getattr(f, n)))]
                  for m, f in zip(months, figures, strict=True)]


def _themes(r: MonthlyReport) -> tuple[list[str], list[Row]]:
    head = ["theme", "this_month", "last_3_months", "last_12_months",
            "months_raised_of_last_6", "recurring"]
    return head, [[t.theme, t.this_month, t.last_3_months, t.last_12_months,
                   t.months_raised_of_last_6, "yes" if t.recurring else "no"]
                  for t in r.impact.themes]


TABLES: dict[Figure, Callable[[MonthlyReport], tuple[list[str], list[Row]]]] = {
    Figure.ACTIVITY: _activity,
    Figure.GRADES: lambda r: (_grade_head("month"), _grade_rows(
        (g.month, g.completed, g.after_moderation) for g in r.how_well.grades_by_month)),
    Figure.GRADES_BEFORE_MODERATION: lambda r: (_grade_head("month"), _grade_rows(
        (g.month, g.completed, g.before_moderation) for g in r.how_well.grades_by_month)),
    Figure.LEGAL_STATUS: lambda r: (_grade_head("legal_status"),
                                    _distributions(r.how_well.by_legal_status)),
    Figure.PRACTICE_PROFILE: lambda r: (_grade_head("element"),
                                        _distributions(r.how_well.practice_profile)),
    Figure.MODERATION: _moderation,
    Figure.TRACKER: _tracker,
    Figure.CONCERNS: _concerns,
    Figure.ENGAGEMENT: _engagement,
    Figure.THEMES: _themes,
}


def render(report: MonthlyReport, figure: Figure) -> str:
    head, rows = TABLES[figure](report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue()

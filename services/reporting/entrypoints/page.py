"""The monthly QA report as one printable HTML page: Gloucestershire's five questions as
headings, every percentage beside its count, charts drawn on the server (charts.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from services.reporting.domain.intervals import Change, Share
from services.reporting.domain.report import GRADES, MonthlyReport
from services.reporting.entrypoints import charts

STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 1em auto; color: #111; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0.5em 0; break-inside: avoid; }
h2 { break-after: avoid; border-bottom: 2px solid #1565c0; }
@page { size: A4; margin: 15mm; }
"""


def _cell(value: object) -> str:
    if isinstance(value, Share | Change):
        return f'<td class="n">{escape(value.text)}</td>'
    return f'<td class="n">{escape(str(value))}</td>'


def _table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(f"<tr><th>{escape(str(row[0]))}</th>{''.join(_cell(v) for v in row[1:])}"
                   "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _pairs(rows: Iterable[tuple[str, object]]) -> str:
    return _table(["Figure", "Value"], rows)


def _label(name: str) -> str:
    return name.replace("-", " ").replace("_", " ").capitalize()


def _figure(caption: str, svg: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def render(report: MonthlyReport) -> str:
    much, well, act = report.how_much, report.how_well, report.actions
    month, engaged, imp = much.this_month, report.engagement, report.impact
    stood = f", as it stood at {report.as_at.isoformat()}" if report.as_at else ""
    title = f"Quality assurance report: {report.service_area}, {report.month}{stood}"
    pool = "not recorded" if month.auditors_in_pool is None else month.auditors_in_pool
    q1 = _pairs([
        ("Auditors in the pool", pool),
        ("Non-operational exemptions", month.non_operational_exemptions),
        ("Other exemptions", month.operational_exemptions),
        *((f"Exemptions: {_label(k)}", n) for k, n in much.exemptions_by_kind.items() if n),
        ("Audits allocated", month.allocated), ("Audits completed", month.completed),
        ("Nil returns", month.nil_returns), ("Late returns", month.late_returns),
        ("Completed to standard", month.completed_to_standard),
        ("Completion net of non-operational exemptions",
         month.completion_net_of_non_operational),
        ("Completion overall", month.completion_overall),
        ("Change since last month (net)", much.completion_change)])
    by_quarter = _table(
        ["Period", "Pool", "Allocated", "Completed", "Completion (net)", "Completion overall"],
        [(a.period, "-" if a.auditors_in_pool is None else a.auditors_in_pool, a.allocated,
          a.completed, a.completion_net_of_non_operational, a.completion_overall)
         for a in [*much.by_quarter[:-1], *much.by_month[-3:]]])
    grades_table = _table(
        ["Month", "Completed", *(_label(g) for g in GRADES)],
        [(g.month, g.completed, *(g.after_moderation[grade] for grade in GRADES))
         for g in well.grades_by_month])
    before_table = _table(
        ["Month", "Completed", *(_label(g) for g in GRADES)],
        [(g.month, g.completed, *(g.before_moderation[grade] for grade in GRADES))
         for g in well.grades_by_month[-3:]])
    mod = well.moderation
    q2 = "".join([
        _figure("Fig 2: grades after moderation by month", charts.grades(
            [(g.month, g.after_moderation) for g in well.grades_by_month],
            "Grades after moderation, last 12 months")),
        "<h3>Grades after moderation</h3>", grades_table,
        "<h3>Grades before moderation (the auditors' own)</h3>", before_table,
        _pairs([("Inadequate: change since last month", well.inadequate_change),
                ("Good or better: change since last month", well.good_or_better_change)]),
        "<h3>Grades by legal status</h3>",
        _figure("Fig 4: grades by legal status", charts.distributions(
            well.by_legal_status, "Grades by legal status")) if well.by_legal_status else "",
        _table(["Legal status", "Audits", *(_label(g) for g in GRADES)],
               [(d.group, d.audits, *(d.grades[g] for g in GRADES))
                for d in well.by_legal_status]),
        "<h3>Practice profile by element</h3>",
        _figure("Fig 5: practice profile", charts.distributions(
            well.practice_profile, "Practice profile")) if well.practice_profile else "",
        _table(["Element", "Audits", *(_label(g) for g in GRADES)],
               [(_label(d.group), d.audits, *(d.grades[g] for g in GRADES))
                for d in well.practice_profile]),
        "<h3>Moderation</h3>",
        _pairs([("Sampled", mod.sampled), ("Moderated (of completed)", mod.moderated),
                ("Agreed", mod.agreed), ("Grades changed", mod.grades_changed),
                ("Below standard, returned", mod.below_standard),
                ("Resubmitted", mod.resubmitted), ("Overall grade raised", mod.overall_raised),
                ("Overall grade lowered", mod.overall_lowered),
                ("Element grades changed", mod.element_grades_changed),
                ("Agreement on the overall grade", mod.agreement),
                ("Agreement: change since last month", mod.agreement_change)])])
    now, then = act.now, act.previous_month_end
    q3 = "".join([
        _table(["Actions on the tracker", f"As at {now.day}", f"As at {then.day}"], [
            ("Open", now.open, then.open),
            ("Within timescale", now.within_timescale, then.within_timescale),
            ("Overdue", now.overdue, then.overdue),
            ("Completed, awaiting verification", now.awaiting_verification,
             then.awaiting_verification),
            ("Verified", now.verified, then.verified)]),
        _pairs([("Overdue: change since last month end", act.overdue_change),
                ("Actions raised by this month's audits", act.raised_by_this_months_audits),
                *((f"Overdue in team {team}", n) for team, n in act.overdue_by_team.items())]),
        "<h3>Children of Concern</h3>",
        _table(["Children of Concern", f"As at {act.concerns.day}",
                f"As at {act.concerns_previous_month_end.day}"], [
            ("On the tracker", act.concerns.on_tracker,
             act.concerns_previous_month_end.on_tracker),
            *((f"Category {k}", n, act.concerns_previous_month_end.by_category[k])
              for k, n in act.concerns.by_category.items()),
            *((f"Awaiting {_label(k).lower()}", n,
               act.concerns_previous_month_end.awaiting[k])
              for k, n in act.concerns.awaiting.items())]),
        _table(["On the tracker since", "Children"], act.concerns.since.items())
        if act.concerns.since else ""])
    this, changes = engaged.this_month, engaged.changes
    q4 = _table(["Of the audits recording engagement", "This month", "Change since last month"], [
        ("Audits", this.audits, engaged.previous_month.audits),
        ("With the social worker", this.with_social_worker, changes["with_social_worker"]),
        ("Manager participated", this.manager_participated, changes["manager_participated"]),
        ("Child contacted", this.child_contacted, changes["child_contacted"]),
        ("Parents' or carers' views", this.parents_or_carers_views,
         changes["parents_or_carers_views"]),
        ("IRO or CP chair views", this.iro_or_cp_chair_views,
         changes["iro_or_cp_chair_views"])])
    q5 = "".join([
        _pairs([("Cases audited again", imp.re_audited), ("Improved", imp.improved),
                ("Same grade", imp.same), ("Declined", imp.declined)]),
        _table(["Grade before", "Grade after", "Cases"],
               [(_label(t.from_grade), _label(t.to_grade), t.cases)
                for t in imp.trajectories]) if imp.trajectories else "",
        "<h3>Learning themes</h3>",
        _table(["Theme", "This month", "Last 3 months", "Last 12 months", "Recurring"],
               [(_label(t.theme), t.this_month, t.last_3_months, t.last_12_months,
                 "yes" if t.recurring else "no") for t in imp.themes])])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<p>Areas: {escape(", ".join(report.areas))}. The tracker stands as at the end of
{report.report_day}. A change is called a change only when the 95% intervals say so.</p>
<h2>1. How much audit activity have we done?</h2>
{_figure("Fig 1: completion by month", charts.completion(much))}
{q1}
<h3>By quarter and recent months</h3>
{by_quarter}
<h2>2. How well are we doing?</h2>
{q2}
<h2>3. What action have we taken?</h2>
{q3}
<h2>4. How well are we engaging social workers and managers?</h2>
{q4}
<h2>5. What is the impact?</h2>
{q5}
</body></html>
"""

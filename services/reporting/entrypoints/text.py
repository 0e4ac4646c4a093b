"""The monthly report's headline figures as a small plain-text table, for a terminal."""

from __future__ import annotations

from services.reporting.domain.report import MonthlyReport

_LABEL = 40


def _line(label: str, value: object) -> str:
    return f"  {label:<{_LABEL}}{value}"


def render(report: MonthlyReport) -> str:
    much, well = report.how_much.this_month, report.how_well
    now = well.grades_by_month[-1]
    tracker, concerns = report.actions.now, report.actions.concerns
    engaged = report.engagement.this_month
    stood = f" as at {report.as_at.isoformat()}" if report.as_at else ""
    lines = [
        f"QA report: {report.service_area}, {report.month}{stood}",
        "",
        "1. How much audit activity?",
        _line("Auditors in the pool", "unknown" if much.auditors_in_pool is None
              else much.auditors_in_pool),
        _line("Exemptions (non-operational/other)",
              f"{much.non_operational_exemptions}/{much.operational_exemptions}"),
        _line("Allocated", much.allocated),
        _line("Completed", much.completed),
        _line("Nil returns", much.nil_returns),
        _line("Late returns", much.late_returns),
        _line("Completed to standard", much.completed_to_standard),
        _line("Completion net of non-operational", much.completion_net_of_non_operational.text),
        _line("Completion overall", much.completion_overall.text),
        _line("Change in completion (net)", report.how_much.completion_change.text),
        "",
        "2. How well are we doing? (after moderation; before in brackets)",
    ]
    for grade, after in now.after_moderation.items():
        before = now.before_moderation[grade]
        label = grade.replace("-", " ").capitalize()
        lines.append(_line(label, f"{after.text}  ({before.text})"))
    lines += [
        _line("Moderated", well.moderation.moderated.text),
        _line("Agreement at moderation", well.moderation.agreement.text),
        "",
        f"3. Actions and Children of Concern, as at {tracker.day.isoformat()}",
        _line("Open actions", tracker.open),
        _line("Within timescale", tracker.within_timescale.text),
        _line("Overdue", tracker.overdue.text),
        _line("Open since last month end", f"{report.actions.open_change:+d}"),
        _line("Children of Concern on the tracker", concerns.on_tracker),
        *(_line(f"Category {category}", count)
          for category, count in concerns.by_category.items()),
        "",
        "4. Engagement (of audits recording it)",
        _line("With the social worker", engaged.with_social_worker.text),
        _line("Manager participated", engaged.manager_participated.text),
        _line("Child contacted", engaged.child_contacted.text),
        _line("Parents' or carers' views", engaged.parents_or_carers_views.text),
        _line("IRO or CP chair views", engaged.iro_or_cp_chair_views.text),
        "",
        "5. Impact",
        _line("Cases audited again", report.impact.re_audited),
        _line("Improved / same / declined",
              f"{report.impact.improved} / {report.impact.same} / {report.impact.declined}"),
        *(_line(theme.theme, f"{theme.this_month} this month, {theme.last_12_months} in 12 "
                f"months{' (recurring)' if theme.recurring else ''}")
          for theme in report.impact.themes[:5]),
    ]
    return "\n".join(lines) + "\n"

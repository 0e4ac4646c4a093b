"""The monthly summary as a small plain-text table, for people rather than programs."""

from __future__ import annotations

from services.reporting.domain.monthly_summary import MonthlySummary

_LABEL = 24
_COLUMN = 19


def _line(label: str, value: object) -> str:
    return f"  {label:<{_LABEL}}{value}"


def render(summary: MonthlySummary) -> str:
    lines = [
        f"QA report: {summary.service_area}, {summary.month}",
        "",
        "Audits",
        _line("Allocated", summary.allocated),
        _line("Completed", summary.completion),
        _line("Late", summary.late),
        _line("Moderated", summary.moderated),
        _line("Grades changed", summary.grades_changed),
        "",
        f"{'Grades':<{_LABEL + 2}}{'Before moderation':>{_COLUMN}}"
        f"{'After moderation':>{_COLUMN}}",
    ]
    for grade, before in summary.grades_before_moderation.items():
        after = summary.grades_after_moderation.get(grade, 0)
        label = grade.replace("-", " ").capitalize()
        lines.append(f"  {label:<{_LABEL}}{before:>{_COLUMN}}{after:>{_COLUMN}}")
    lines += ["", "Children of Concern"]
    lines += [
        _line(f"Category {category}", count)
        for category, count in summary.children_of_concern.items()
    ]
    lines += [
        "",
        # Counted over the actions this month's audits raised, not the whole tracker.
        "Actions raised in this month's audits",
        _line("Open (not yet overdue)", summary.actions["open"]),
        _line("Overdue", summary.actions["overdue"]),
        _line("Total", summary.actions["total"]),
    ]
    return "\n".join(lines) + "\n"

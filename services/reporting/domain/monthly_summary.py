"""A month's quality-assurance summary for one service area, from read-model rows.

Pure: the adapter loads plain rows and this module decides what each of them counts for.

Events reach the read models from four topics in no guaranteed order, so a row may be
only partly known. The audit figures (completed, late, grades, moderated, grades changed)
count submitted audits only: a moderation whose submission has not arrived yet waits
for it, so the grade buckets always add up to `completed` and `moderated` never exceeds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from shared.events.common import REPORTING_SCALE, Grade

CONCERN_CATEGORIES = (1, 2)


@dataclass(frozen=True)
class AuditRow:
    """What is known of one audit; None where its event has not arrived yet."""

    submitted_grade: Grade | None = None
    late: bool | None = None
    moderated_grade: Grade | None = None
    grade_changed: bool = False

    @property
    def submitted(self) -> bool:
        return self.submitted_grade is not None

    @property
    def moderated(self) -> bool:
        return self.moderated_grade is not None

    @property
    def grade_after_moderation(self) -> Grade | None:
        return self.moderated_grade if self.moderated_grade is not None else self.submitted_grade


@dataclass(frozen=True)
class ConcernRow:
    category: int


@dataclass(frozen=True)
class ActionRow:
    overdue: bool


@dataclass(frozen=True)
class MonthRows:
    """What the read models hold for one service area and month, as the summary reads it."""

    allocated: int
    audits: tuple[AuditRow, ...] = ()
    concerns: tuple[ConcernRow, ...] = ()
    actions: tuple[ActionRow, ...] = ()


@dataclass(frozen=True)
class MonthlySummary:
    service_area: str
    month: str
    allocated: int
    completed: int
    late: int
    completion: str
    grades_before_moderation: Mapping[str, int]
    grades_after_moderation: Mapping[str, int]
    moderated: int
    grades_changed: int
    children_of_concern: Mapping[str, int]
    actions: Mapping[str, int]

    def as_dict(self) -> dict[str, object]:
        return {
            "service_area": self.service_area,
            "month": self.month,
            "allocated": self.allocated,
            "completed": self.completed,
            "late": self.late,
            "completion": self.completion,
            "grades_before_moderation": dict(self.grades_before_moderation),
            "grades_after_moderation": dict(self.grades_after_moderation),
            "moderated": self.moderated,
            "grades_changed": self.grades_changed,
            "children_of_concern": dict(self.children_of_concern),
            "actions": dict(self.actions),
        }


def completion(completed: int, allocated: int) -> str:
    """`completed/allocated (pct%)`, the percentage rounded half up in integers so that
    no float ever decides a figure leaders are held to."""
    if allocated == 0:
        return f"{completed}/0 (n/a)"
    percent = (200 * completed + allocated) // (2 * allocated)
    return f"{completed}/{allocated} ({percent}%)"


def grade_counts(grades: Iterable[Grade | None]) -> Mapping[str, int]:
    """Every grade on the reporting scale, zeros included, in the scale's order (an older
    tool's Adequate counts as Requires Improvement)."""
    counts = dict.fromkeys((grade.value for grade in REPORTING_SCALE), 0)
    for grade in grades:
        if grade is not None:
            counts[grade.for_reporting.value] += 1
    return MappingProxyType(counts)


def summarise(
    service_area: str,
    month: str,
    *,
    allocated: int,
    audits: Iterable[AuditRow],
    concerns: Iterable[ConcernRow],
    actions: Iterable[ActionRow],
) -> MonthlySummary:
    submitted = [audit for audit in audits if audit.submitted]
    moderated = [audit for audit in submitted if audit.moderated]
    concern_counts = dict.fromkeys((str(category) for category in CONCERN_CATEGORIES), 0)
    for concern in concerns:
        concern_counts[str(concern.category)] = concern_counts.get(str(concern.category), 0) + 1
    action_list = list(actions)
    overdue = sum(1 for action in action_list if action.overdue)
    return MonthlySummary(
        service_area=service_area,
        month=month,
        allocated=allocated,
        completed=len(submitted),
        late=sum(1 for audit in submitted if audit.late),
        completion=completion(len(submitted), allocated),
        grades_before_moderation=grade_counts(audit.submitted_grade for audit in submitted),
        grades_after_moderation=grade_counts(
            audit.grade_after_moderation for audit in submitted
        ),
        moderated=len(moderated),
        grades_changed=sum(1 for audit in moderated if audit.grade_changed),
        children_of_concern=MappingProxyType(concern_counts),
        actions=MappingProxyType({
            "open": len(action_list) - overdue,
            "overdue": overdue,
            "total": len(action_list),
        }),
    )

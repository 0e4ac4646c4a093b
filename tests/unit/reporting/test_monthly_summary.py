from __future__ import annotations

import pytest

from services.reporting.domain.monthly_summary import (
    ActionRow,
    AuditRow,
    ConcernRow,
    completion,
    summarise,
)
from shared.events.common import Grade

ZERO_GRADES = {"outstanding": 0, "good": 0, "requires-improvement": 0, "inadequate": 0}


def submitted(grade: Grade, *, late: bool = False, moderated_to: Grade | None = None,
              changed: bool | None = None) -> AuditRow:
    if changed is None:
        changed = moderated_to is not None and moderated_to != grade
    return AuditRow(submitted_grade=grade, late=late, moderated_grade=moderated_to,
                    grade_changed=changed)


def test_a_month_nothing_is_known_of_is_all_zeros() -> None:
    summary = summarise("north", "2025-03", allocated=0, audits=[], concerns=[], actions=[])

    assert summary.as_dict() == {
        "service_area": "north",
        "month": "2025-03",
        "allocated": 0,
        "completed": 0,
        "late": 0,
        "completion": "0/0 (n/a)",
        "grades_before_moderation": ZERO_GRADES,
        "grades_after_moderation": ZERO_GRADES,
        "moderated": 0,
        "grades_changed": 0,
        "children_of_concern": {"1": 0, "2": 0},
        "actions": {"open": 0, "overdue": 0, "total": 0},
    }


def test_counts_allocated_completed_and_late() -> None:
    summary = summarise(
        "north", "2025-03", allocated=4,
        audits=[submitted(Grade.GOOD), submitted(Grade.GOOD, late=True),
                submitted(Grade.INADEQUATE, late=True)],
        concerns=[], actions=[],
    )

    assert (summary.allocated, summary.completed, summary.late) == (4, 3, 2)
    assert summary.completion == "3/4 (75%)"


def test_grade_counts_cover_the_whole_scale_in_its_order() -> None:
    summary = summarise(
        "north", "2025-03", allocated=3,
        audits=[submitted(Grade.GOOD), submitted(Grade.GOOD), submitted(Grade.INADEQUATE)],
        concerns=[], actions=[],
    )

    assert list(summary.grades_before_moderation) == [
        "outstanding", "good", "requires-improvement", "inadequate"
    ]
    assert dict(summary.grades_before_moderation) == {
        "outstanding": 0, "good": 2, "requires-improvement": 0, "inadequate": 1
    }
    assert summary.grades_after_moderation == summary.grades_before_moderation


def test_a_changed_grade_moves_between_buckets_after_moderation() -> None:
    summary = summarise(
        "north", "2025-03", allocated=3,
        audits=[
            submitted(Grade.GOOD, moderated_to=Grade.REQUIRES_IMPROVEMENT),
            submitted(Grade.GOOD, moderated_to=Grade.GOOD),
            submitted(Grade.OUTSTANDING),
        ],
        concerns=[], actions=[],
    )

    assert dict(summary.grades_before_moderation) == {
        "outstanding": 1, "good": 2, "requires-improvement": 0, "inadequate": 0
    }
    assert dict(summary.grades_after_moderation) == {
        "outstanding": 1, "good": 1, "requires-improvement": 1, "inadequate": 0
    }
    assert summary.moderated == 2
    assert summary.grades_changed == 1


def test_a_moderation_waits_for_its_submission_to_be_counted() -> None:
    # AuditModerated arrived from its topic before AuditSubmitted from the audit topic.
    moderated_only = AuditRow(moderated_grade=Grade.INADEQUATE, grade_changed=True)

    summary = summarise("north", "2025-03", allocated=1, audits=[moderated_only],
                        concerns=[], actions=[])

    assert (summary.completed, summary.moderated, summary.grades_changed) == (0, 0, 0)
    assert summary.grades_after_moderation == ZERO_GRADES


def test_after_moderation_buckets_add_up_to_completed() -> None:
    audits = [
        submitted(Grade.INADEQUATE, moderated_to=Grade.REQUIRES_IMPROVEMENT),
        submitted(Grade.REQUIRES_IMPROVEMENT),
        submitted(Grade.OUTSTANDING, moderated_to=Grade.GOOD),
    ]

    summary = summarise("north", "2025-03", allocated=5, audits=audits, concerns=[],
                        actions=[])

    assert sum(summary.grades_before_moderation.values()) == summary.completed == 3
    assert sum(summary.grades_after_moderation.values()) == 3


@pytest.mark.parametrize(
    ("completed", "allocated", "expected"),
    [
        (0, 0, "0/0 (n/a)"),
        (0, 3, "0/3 (0%)"),
        (3, 4, "3/4 (75%)"),
        (4, 4, "4/4 (100%)"),
        (58, 70, "58/70 (83%)"),
        (1, 8, "1/8 (13%)"),  # 12.5 rounds half up
        (1, 3, "1/3 (33%)"),
        (2, 3, "2/3 (67%)"),
        (1, 200, "1/200 (1%)"),  # 0.5 rounds half up
        (1, 201, "1/201 (0%)"),
        (199, 200, "199/200 (100%)"),  # 99.5 rounds half up
    ],
)
def test_completion_is_an_exact_fraction_with_a_half_up_percentage(
    completed: int, allocated: int, expected: str
) -> None:
    assert completion(completed, allocated) == expected


def test_children_of_concern_by_category() -> None:
    summary = summarise(
        "north", "2025-03", allocated=0, audits=[],
        concerns=[ConcernRow(1), ConcernRow(2), ConcernRow(2), ConcernRow(2)], actions=[],
    )

    assert dict(summary.children_of_concern) == {"1": 1, "2": 3}


def test_actions_open_and_overdue() -> None:
    summary = summarise(
        "north", "2025-03", allocated=0, audits=[], concerns=[],
        actions=[ActionRow(overdue=False), ActionRow(overdue=True), ActionRow(overdue=False)],
    )

    assert dict(summary.actions) == {"open": 2, "overdue": 1, "total": 3}


def test_the_summary_cannot_be_changed() -> None:
    summary = summarise("north", "2025-03", allocated=0, audits=[], concerns=[], actions=[])

    with pytest.raises(AttributeError):
        summary.allocated = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        summary.actions["open"] = 1  # type: ignore[index]

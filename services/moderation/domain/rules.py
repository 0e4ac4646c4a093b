"""The moderation service's business rules, each written once (see shared/kernel/rules.py)."""

from __future__ import annotations

from typing import Protocol

from shared.events.common import Grade
from shared.kernel.rules import Rule


class Outcome(Protocol):
    @property
    def outcome(self) -> str: ...

    @property
    def moderated_grade(self) -> Grade | None: ...

    @property
    def rationale(self) -> str: ...


GRADE_CHANGE_NAMES_THE_GRADE: Rule[Outcome] = Rule(
    field="moderated_grade",
    message="a grade change names the new grade (moderated_grade)",
    holds=lambda m: m.outcome != "grade-changed" or m.moderated_grade is not None,
)
GRADE_CHANGE_HAS_A_RATIONALE: Rule[Outcome] = Rule(
    field="rationale",
    message="a grade change needs a rationale",
    holds=lambda m: m.outcome != "grade-changed" or bool(m.rationale.strip()),
)

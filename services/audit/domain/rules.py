"""The audit service's business rules, each written once (see shared/kernel/rules.py)."""

from __future__ import annotations

from typing import Protocol

from shared.events.common import Grade
from shared.kernel.rules import Rule


class Graded(Protocol):
    @property
    def overall_grade(self) -> Grade: ...

    @property
    def child_of_concern(self) -> object | None: ...


CONCERN_ONLY_WHEN_INADEQUATE: Rule[Graded] = Rule(
    field="child_of_concern",
    message="a Child of Concern may be raised only on an audit graded inadequate",
    holds=lambda audit: audit.child_of_concern is None
    or audit.overall_grade is Grade.INADEQUATE,
)

# Quality staff read every audit; anyone else sees only the audits assigned to them.
QUALITY_ROLES = frozenset({"qa-officer", "qa-manager", "head-of-quality"})


def may_read(auditor_id: str, person_id: str, role: str) -> bool:
    return person_id == auditor_id or role in QUALITY_ROLES

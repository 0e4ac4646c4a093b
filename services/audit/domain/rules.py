"""The audit service's business rules, each written once (see shared/kernel/rules.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from shared.events.common import Grade
from shared.kernel.clock import first_day_of
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

class ActionDue(Protocol):
    @property
    def due_date(self) -> date: ...

    @property
    def month(self) -> str: ...

    @property
    def today(self) -> date: ...


# An action is due no earlier than its audit's month and within two years of being set.
ACTION_DUE_IN_REACH: Rule[ActionDue] = Rule(
    field="due_date",
    message="an action is due on or after the first day of its audit's month and "
    "within two years from today",
    holds=lambda a: first_day_of(a.month) <= a.due_date <= a.today + timedelta(days=731),
)

# Quality staff read every audit; anyone else sees only the audits assigned to them.
QUALITY_ROLES = frozenset({"qa-officer", "qa-manager", "head-of-quality"})


def may_read(auditor_id: str, person_id: str, role: str) -> bool:
    return person_id == auditor_id or role in QUALITY_ROLES

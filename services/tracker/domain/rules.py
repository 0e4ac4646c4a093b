"""Who may do what on the tracker, and the rules on dates, each written once (see
shared/kernel/rules.py). Roles are the X-Actor-Role a person names until sign-in exists;
line management comes from the staff directory (StaffMemberRecorded.manager_id)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from shared.kernel.rules import Rule

# Oversight of an action (verify, reopen, extend, reassign): the owner's line manager,
# or any of these roles.
OVERSIGHT_ROLES = frozenset({"head-of-service", "director", "head-of-quality", "qa-manager"})
# Raising an action by hand: quality staff and managers.
RAISING_ROLES = OVERSIGHT_ROLES | {"qa-officer", "team-manager", "service-manager",
                                   "senior-manager"}
# A response on a Child of Concern: a Head of Service or director (which answers a
# Category 1's same-day clock), or the Head of Quality (which answers a review).
RESPONDING_ROLES = frozenset({"head-of-service", "director", "head-of-quality"})
SAME_DAY_ROLES = frozenset({"head-of-service", "director"})
# Off the tracker: a Category 1 with a director's sign-off, a Category 2 with a Head of
# Service's (or a director's).
SIGNING_OFF_ROLES = {1: frozenset({"director"}), 2: frozenset({"head-of-service", "director"})}


def may_oversee(person_id: str, role: str, owners_manager: str | None) -> bool:
    return person_id == owners_manager or role in OVERSIGHT_ROLES


class DueDate(Protocol):
    @property
    def due_date(self) -> date: ...

    @property
    def today(self) -> date: ...


# A due date set by hand (raising or extending) is not in the past and within two years.
DUE_IN_REACH: Rule[DueDate] = Rule(
    field="due_date",
    message="a due date is today or later, and within two years from today",
    holds=lambda d: d.today <= d.due_date <= d.today + timedelta(days=731),
)

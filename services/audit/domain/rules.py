"""The audit service's business rules, each written once (see shared/kernel/rules.py).
The rules a submission meets against its tool are in `validation.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.kernel.clock import first_day_of
from shared.kernel.rules import Rule


@dataclass(frozen=True)
class ActionDue:
    due_date: date
    month: str
    today: date


# An action is due no earlier than its audit's month and within two years of being set.
ACTION_DUE_IN_REACH: Rule[ActionDue] = Rule(
    field="due_date",
    message="an action is due on or after the first day of its audit's month and "
    "within two years from today",
    holds=lambda a: first_day_of(a.month) <= a.due_date <= a.today + timedelta(days=731),
)

# Quality staff read every audit; an auditor reads the audits assigned to them.
QUALITY_ROLES = frozenset({"qa-officer", "qa-manager", "head-of-quality"})
# Moderators read what was submitted (never drafts): they re-examine it.
MODERATOR_ROLES = frozenset({"moderator", "external-moderator"})
# A case-management integrator (Mosaic, Liquidlogic, PARIS) fetches the final summary.
RECORD_ROLES = frozenset({"case-record-integrator"})


def may_read(auditor_id: str, person_id: str, role: str) -> bool:
    """The whole audit, drafts included."""
    return person_id == auditor_id or role in QUALITY_ROLES


def may_read_submitted(auditor_id: str, person_id: str, role: str) -> bool:
    return may_read(auditor_id, person_id, role) or role in MODERATOR_ROLES


def may_read_record_summary(auditor_id: str, person_id: str, role: str) -> bool:
    return may_read_submitted(auditor_id, person_id, role) or role in RECORD_ROLES

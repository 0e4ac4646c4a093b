"""The allocation service's business rules, each written once (see shared/kernel/rules.py):
the domain checks them before it decides, the draw and the placement filter by them, and
request validation refuses by field where a request can show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from services.allocation.domain.events import CaseRecorded, OwnTeamAudits
from shared.events.allocation import StaffMemberRecorded
from shared.events.vocabulary import SelectionRules, StaffRole
from shared.kernel.clock import first_day_of, last_day_of, months_apart
from shared.kernel.rules import Rule

# How far a return deadline may fall after its month: a quarter, for late programmes.
DEADLINE_GRACE = timedelta(days=92)


class Opening(Protocol):
    @property
    def month(self) -> str: ...

    @property
    def return_deadline(self) -> date | None: ...


class OpeningToday(Protocol):
    @property
    def month(self) -> str: ...

    @property
    def today(self) -> date: ...


class WithRules(Protocol):
    @property
    def rules(self) -> SelectionRules | None: ...


class Acting(Protocol):
    @property
    def role(self) -> str: ...


class Closing(Protocol):
    @property
    def return_deadline(self) -> date: ...

    @property
    def today(self) -> date: ...


DEADLINE_AFTER_ITS_MONTH_BEGINS: Rule[Opening] = Rule(
    field="return_deadline",
    message="a return deadline falls within its cycle's month or at most 92 days after it",
    holds=lambda c: c.return_deadline is None
    or first_day_of(c.month) <= c.return_deadline <= last_day_of(c.month) + DEADLINE_GRACE,
)
CYCLE_MONTH_NEAR_TODAY: Rule[OpeningToday] = Rule(
    field="month",
    message="a cycle is opened for a month at most 12 months before or after this one",
    holds=lambda c: months_apart(c.month, c.today) <= 12,
)
QUOTAS_WITHIN_CORE: Rule[WithRules] = Rule(
    field="rules",
    message="the legal-status quotas add up to at most the number of core audits",
    holds=lambda c: c.rules is None
    or sum(c.rules.legal_status_quotas.values()) <= c.rules.core_audits,
)
ONLY_A_DIRECTOR_DECIDES_EXEMPTIONS: Rule[Acting] = Rule(
    field="X-Actor-Role",
    message="only a director authorises or refuses an operational exemption",
    holds=lambda c: c.role == StaffRole.DIRECTOR.value,
)
CLOSES_AFTER_ITS_DEADLINE: Rule[Closing] = Rule(
    field="month",
    message="a cycle closes once its return deadline has passed",
    holds=lambda c: c.today > c.return_deadline,
)


@dataclass(frozen=True)
class Pairing:
    """A case and a would-be auditor, under the cycle's own-team policy."""

    case: CaseRecorded
    auditor: StaffMemberRecorded
    own_team_audits: OwnTeamAudits = "forbidden"


NOT_THE_CASES_SOCIAL_WORKER: Rule[Pairing] = Rule(
    field="auditor_id",
    message="no one audits a case they are the social worker of",
    holds=lambda p: p.auditor.person_id != p.case.social_worker_id,
)
NOT_THE_CASES_MANAGER: Rule[Pairing] = Rule(
    field="auditor_id",
    message="no one audits a case whose social worker they manage",
    holds=lambda p: p.auditor.person_id != p.case.manager_id,
)
NOT_OWN_TEAM: Rule[Pairing] = Rule(
    field="auditor_id",
    message="an auditor never audits their own team's work (this authority's policy)",
    holds=lambda p: p.own_team_audits == "allowed" or p.case.team != p.auditor.team,
)
# Every rule a pairing must keep, automatic or by hand, in the order a refusal names them.
PAIRING_RULES = (NOT_THE_CASES_SOCIAL_WORKER, NOT_THE_CASES_MANAGER, NOT_OWN_TEAM)


def broken_by(pairing: Pairing) -> list[Rule[Pairing]]:
    return [rule for rule in PAIRING_RULES if not rule.holds(pairing)]

"""Who moderates a sampled audit: a pure function of the audit's parties, the pool as
moderation knows it, the moderators' open workloads and the day.

Eligible: trained as a moderator (moderator_since on or before the day), not left and not
leaving by then; never the audit's auditor, never in the case's team, never the case's
social worker or manager (nor the social worker's line manager, where the pool knows
them). External moderators are eligible like anyone else. Among the eligible: the lightest
open workload, then the fewest moderations ever taken, then the person id (so the same
pool always gives the same answer). A resubmission goes back to its moderator while they
remain eligible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.moderation.domain.events import PoolMemberRecorded


@dataclass(frozen=True)
class Parties:
    """Who must not moderate this audit, and why."""

    auditor_id: str
    case_team: str
    social_worker_id: str | None = None
    case_manager_id: str | None = None
    case_known: bool = True  # False: CaseAllocated has not reached moderation yet


@dataclass(frozen=True)
class Assigned:
    moderator_id: str
    external: bool


@dataclass(frozen=True)
class Unassignable:
    reasons: tuple[str, ...]


def is_moderator(member: PoolMemberRecorded, today: date) -> bool:
    """Trained as a moderator and still here on `today`."""
    return (member.moderator_since is not None and member.moderator_since <= today
            and member.change != "left"
            and (member.leaving_on is None or member.leaving_on > today))


def conflicts(member: PoolMemberRecorded, parties: Parties,
              pool: Mapping[str, PoolMemberRecorded]) -> str | None:
    """Why this moderator may not moderate this audit, or None."""
    person = member.person_id
    if person == parties.auditor_id:
        return "the audit's auditor"
    if member.team == parties.case_team:
        return f"in the case's team ({parties.case_team})"
    if person == parties.social_worker_id:
        return "the case's social worker"
    if person == parties.case_manager_id:
        return "the case's manager"
    worker = pool.get(parties.social_worker_id or "")
    if worker is not None and worker.manager_id == person:
        return "the line manager of the case's social worker"
    return None


def ineligible(member: PoolMemberRecorded, parties: Parties,
               pool: Mapping[str, PoolMemberRecorded], today: date) -> str | None:
    if not is_moderator(member, today):
        return "not a moderator on this day (not trained, left or leaving)"
    return conflicts(member, parties, pool)


def assign(parties: Parties, pool: Mapping[str, PoolMemberRecorded],
           open_loads: Mapping[str, int], taken: Mapping[str, int], today: date,
           *, prefer: str | None = None, exclude: frozenset[str] = frozenset(),
           ) -> Assigned | Unassignable:
    if not parties.case_known:
        return Unassignable(("the case's team and workers are not known here yet "
                             "(its allocation has not arrived)",))
    moderators = sorted(person for person, member in pool.items()
                        if is_moderator(member, today))
    if not moderators:
        return Unassignable(("no one in this service area's pool is trained as a moderator",))
    reasons: list[str] = []
    eligible: list[str] = []
    for person in moderators:
        why = "excluded by the reassignment" if person in exclude \
            else conflicts(pool[person], parties, pool)
        if why is None:
            eligible.append(person)
        else:
            reasons.append(f"{person}: {why}")
    if not eligible:
        return Unassignable(tuple(reasons))
    if prefer in eligible:
        chosen = prefer
    else:
        chosen = min(eligible, key=lambda p: (open_loads.get(p, 0), taken.get(p, 0), p))
    return Assigned(chosen, pool[chosen].external)

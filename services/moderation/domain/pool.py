"""A service area's moderator pool as one stream: the staff records allocation publishes,
each auditor's submitted audits (for the newly-trained rule), each moderator's open
workload and the audits waiting for a moderator. Assignment is decided here, because
balancing workloads needs all of them at once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from services.moderation.domain.assignment import Assigned, assign, ineligible
from services.moderation.domain.commands import (
    CountAudit,
    PoolCommand,
    RecordMember,
    ReleaseModeration,
    TakeModeration,
)
from services.moderation.domain.events import (
    AuditAwaitingModerator,
    AuditCounted,
    PoolMemberRecorded,
    WorkloadReleased,
    WorkloadTaken,
)
from services.moderation.domain.sampling import AuditorRecord
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command
from shared.kernel.errors import RuleBroken


@dataclass(frozen=True)
class Pool:
    members: Mapping[str, PoolMemberRecorded] = field(default_factory=dict)
    open: Mapping[uuid.UUID, str] = field(default_factory=dict)  # audit -> its moderator
    taken: Mapping[str, int] = field(default_factory=dict)  # moderations ever taken
    waiting: Mapping[uuid.UUID, tuple[str, ...]] = field(default_factory=dict)  # -> reasons
    submitted: Mapping[str, tuple[date, ...]] = field(default_factory=dict)
    counted: frozenset[uuid.UUID] = frozenset()

    def open_loads(self) -> dict[str, int]:
        loads: dict[str, int] = {}
        for moderator in self.open.values():
            loads[moderator] = loads.get(moderator, 0) + 1
        return loads

    def auditor(self, auditor_id: str) -> AuditorRecord:
        member = self.members.get(auditor_id)
        return AuditorRecord(member.auditor_since if member is not None else None,
                             self.submitted.get(auditor_id, ()))


def evolve(pool: Pool, event: EventContract) -> Pool:
    match event:
        case PoolMemberRecorded():
            return replace(pool, members={**pool.members, event.person_id: event})
        case AuditCounted():
            days = (*pool.submitted.get(event.auditor_id, ()), event.submitted_on)
            return replace(pool, submitted={**pool.submitted, event.auditor_id: days},
                           counted=pool.counted | {event.audit_id})
        case WorkloadTaken():
            waiting = {k: v for k, v in pool.waiting.items() if k != event.audit_id}
            taken = {**pool.taken, event.moderator_id: pool.taken.get(event.moderator_id, 0) + 1}
            return replace(pool, open={**pool.open, event.audit_id: event.moderator_id},
                           taken=taken, waiting=waiting)
        case WorkloadReleased():
            return replace(pool, open={k: v for k, v in pool.open.items()
                                       if k != event.audit_id},
                           waiting={k: v for k, v in pool.waiting.items()
                                    if k != event.audit_id})
        case AuditAwaitingModerator():
            return replace(pool, waiting={**pool.waiting,
                                          event.audit_id: tuple(event.reasons)})
    return pool


def record_member(command: RecordMember, pool: Pool) -> list[EventContract]:
    # The same record again (a re-sent event under a new id) changes nothing.
    return [] if pool.members.get(command.record.person_id) == command.record \
        else [command.record]


def count_audit(command: CountAudit, pool: Pool) -> list[EventContract]:
    if command.audit_id in pool.counted:
        return []
    return [AuditCounted(audit_id=command.audit_id, auditor_id=command.auditor_id,
                         submitted_on=command.submitted_on)]


def take(command: TakeModeration, pool: Pool) -> list[EventContract]:
    if command.audit_id in pool.open:
        return []
    if command.to is not None:
        member = pool.members.get(command.to)
        why = "not in this service area's pool" if member is None else \
            ineligible(member, command.parties, pool.members, command.today)
        if why is not None:
            raise RuleBroken(f"{command.to} may not moderate this audit: {why}")
        return [WorkloadTaken(audit_id=command.audit_id, moderator_id=command.to)]
    decided = assign(command.parties, pool.members, pool.open_loads(), pool.taken,
                     command.today, prefer=command.prefer, exclude=command.exclude)
    if isinstance(decided, Assigned):
        return [WorkloadTaken(audit_id=command.audit_id, moderator_id=decided.moderator_id)]
    if pool.waiting.get(command.audit_id) == decided.reasons:
        return []
    return [AuditAwaitingModerator(audit_id=command.audit_id, reasons=list(decided.reasons))]


def release(command: ReleaseModeration, pool: Pool) -> list[EventContract]:
    moderator = pool.open.get(command.audit_id)
    if moderator is None and command.audit_id not in pool.waiting:
        return []
    return [WorkloadReleased(audit_id=command.audit_id, moderator_id=moderator)]


POOL: Decider[PoolCommand, Pool] = Decider(
    "moderator-pool", Pool(), evolve,
    by_command({RecordMember: record_member, CountAudit: count_audit, TakeModeration: take,
                ReleaseModeration: release}))

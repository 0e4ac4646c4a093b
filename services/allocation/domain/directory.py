"""The staff directory: one stream per person, each change the whole new record
(StaffMemberRecorded is both this service's event and the wire contract). A record that
changes several things is recorded as one event per change, in a fixed order, so each
event's `change` says truly what it changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from services.allocation.domain.commands import RecordStaff
from services.allocation.domain.events import AuditorRegistered
from shared.events.allocation import StaffMemberRecorded
from shared.events.vocabulary import StaffRole, WorkingPattern
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider
from shared.kernel.errors import RuleBroken

Person = StaffMemberRecorded | None
# Registered as auditors before the directory kept dates: trained since the start.
LEGACY_SINCE = date(2000, 1, 1)
# Which change names a difference in which fields, in the order they are recorded.
CHANGES: list[tuple[str, tuple[str, ...]]] = [
    ("moved-team", ("team",)),
    ("role-changed", ("role", "external")),
    ("manager-changed", ("manager_id",)),
    ("trained-as-auditor", ("auditor_since",)),
    ("trained-as-moderator", ("moderator_since",)),
    ("working-pattern-changed", ("working_pattern",)),
    ("leaving", ("leaving_on",)),
]


def evolve(state: Person, event: EventContract) -> Person:
    if isinstance(event, StaffMemberRecorded):
        return event
    if isinstance(event, AuditorRegistered):
        return StaffMemberRecorded(
            person_id=event.auditor_id, change="joined", effective_on=LEGACY_SINCE,
            role=StaffRole.TEAM_MANAGER, team=event.team,
            working_pattern=WorkingPattern.FULL_TIME, auditor_since=LEGACY_SINCE)
    return state


def has_left(person: Person) -> bool:
    return person is not None and person.change == "left"


def record(command: RecordStaff, state: Person) -> Sequence[EventContract]:
    facts = command.facts()
    if state is None or has_left(state):
        if command.left_on is not None:
            raise RuleBroken(f"{command.person_id} is not in the directory, so cannot leave")
        return [StaffMemberRecorded(change="joined", effective_on=command.effective_on,
                                    **facts)]
    if command.only_if_new:
        raise RuleBroken(f"{command.person_id} is already in the staff directory")
    events: list[EventContract] = []
    current: dict[str, Any] = {name: getattr(state, name) for name in facts}
    for change, fields in CHANGES:
        if any(current[name] != facts[name] for name in fields):
            current.update({name: facts[name] for name in fields})
            events.append(StaffMemberRecorded(change=change,
                                              effective_on=command.effective_on, **current))
    if command.left_on is not None:
        events.append(StaffMemberRecorded(change="left", effective_on=command.left_on,
                                          **current))
    return events


PERSON: Decider[RecordStaff, Person] = Decider("person", None, evolve, record)

"""Dead letters, as every service keeps them: set aside by a consumer, then replayed after
a fix or discarded with a reason by a person. A pure decider over the dead letter's
stream, and the use cases the host's routes and consumers run through the CommandRunner.

A replay itself (handing the record to its consumer again, through the inbox) is the
messaging side's; what is decided here is what gets recorded about it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from shared.events.operations import (
    DeadLetterDiscarded,
    DeadLetterReplayed,
    DeadLetterReplayFailed,
    MessageDeadLettered,
)
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command
from shared.kernel.errors import NotFound, RuleBroken
from shared.kernel.identifiers import derived_id, stream_id
from shared.kit.unit_of_work import UnitOfWork

Status = Literal["pending", "replayed", "discarded"]
# Dead letters concern the platform, no service area in particular.
OPERATIONS_AREA = "platform"


def dead_letter_id(consumer: str, *record: str) -> uuid.UUID:
    """The same record set aside by the same consumer is one dead letter: named by its
    event id when the envelope could be read, else by where it sat on the topic (and the
    relay epoch, since a broker that lost its log reuses offsets)."""
    return derived_id("dead-letter", consumer, *record)


def dead_letter_stream(ident: uuid.UUID) -> str:
    return stream_id("deadletter", ident)


@dataclass(frozen=True)
class DeadLetter:
    record: MessageDeadLettered | None = None
    status: Status = "pending"


def _evolve(state: DeadLetter, event: EventContract) -> DeadLetter:
    if isinstance(event, MessageDeadLettered):
        return DeadLetter(event, "pending")
    if isinstance(event, DeadLetterReplayed):
        return DeadLetter(state.record, "replayed")
    if isinstance(event, DeadLetterDiscarded):
        return DeadLetter(state.record, "discarded")
    return state  # a failed replay leaves it pending


@dataclass(frozen=True)
class SetAside:
    record: MessageDeadLettered


@dataclass(frozen=True)
class RecordReplay:
    dead_letter_id: uuid.UUID
    outcome: Literal["applied", "already-applied", "passed-over"]


@dataclass(frozen=True)
class RecordFailedReplay:
    dead_letter_id: uuid.UUID
    reason: Literal["undecodable", "foreign-tenant", "handler-failed"]
    error: str


@dataclass(frozen=True)
class Discard:
    dead_letter_id: uuid.UUID
    reason: str


def _set_aside(command: SetAside, state: DeadLetter) -> list[EventContract]:
    # Delivered again before its offset was committed: it is set aside already.
    return [] if state.record is not None and state.status == "pending" else [command.record]


def _pending(state: DeadLetter, ident: uuid.UUID) -> None:
    if state.record is None:
        raise NotFound(f"no dead letter {ident} here")
    if state.status != "pending":
        raise RuleBroken(f"dead letter {ident} was {state.status} already")


def _replayed(command: RecordReplay, state: DeadLetter) -> list[EventContract]:
    _pending(state, command.dead_letter_id)
    return [DeadLetterReplayed(dead_letter_id=command.dead_letter_id, outcome=command.outcome)]


def _failed(command: RecordFailedReplay, state: DeadLetter) -> list[EventContract]:
    _pending(state, command.dead_letter_id)
    return [DeadLetterReplayFailed(dead_letter_id=command.dead_letter_id,
                                   reason=command.reason, error=command.error[:2000])]


def _discarded(command: Discard, state: DeadLetter) -> list[EventContract]:
    _pending(state, command.dead_letter_id)
    return [DeadLetterDiscarded(dead_letter_id=command.dead_letter_id, reason=command.reason)]


DEAD_LETTER: Decider[object, DeadLetter] = Decider(
    "dead letter", DeadLetter(), _evolve,
    by_command({SetAside: _set_aside, RecordReplay: _replayed,
                RecordFailedReplay: _failed, Discard: _discarded}))


class DeadLetterUpdate(BaseModel):
    dead_letter_id: uuid.UUID
    status: Status
    outcome: str | None = None
    error: str | None = None


async def set_aside(record: MessageDeadLettered, unit: UnitOfWork) -> DeadLetterUpdate:
    await unit.execute(DEAD_LETTER, dead_letter_stream(record.dead_letter_id),
                       SetAside(record))
    return DeadLetterUpdate(dead_letter_id=record.dead_letter_id, status="pending")


async def pending_record(ident: uuid.UUID, unit: UnitOfWork) -> MessageDeadLettered:
    """The dead letter's record, if it is still set aside (NotFound, RuleBroken if not)."""
    state = await unit.state(DEAD_LETTER, dead_letter_stream(ident))
    _pending(state, ident)
    assert state.record is not None
    return state.record


async def record_replay(command: RecordReplay | RecordFailedReplay, unit: UnitOfWork
                        ) -> DeadLetterUpdate:
    await unit.execute(DEAD_LETTER, dead_letter_stream(command.dead_letter_id), command)
    if isinstance(command, RecordReplay):
        return DeadLetterUpdate(dead_letter_id=command.dead_letter_id, status="replayed",
                                outcome=command.outcome)
    return DeadLetterUpdate(dead_letter_id=command.dead_letter_id, status="pending",
                            outcome="failed", error=command.error)


async def discard(command: Discard, unit: UnitOfWork) -> DeadLetterUpdate:
    await unit.execute(DEAD_LETTER, dead_letter_stream(command.dead_letter_id), command)
    return DeadLetterUpdate(dead_letter_id=command.dead_letter_id, status="discarded")

"""An aggregate, written once as three pure things (the "decider" of Chassaing, Equinox
and Emmett): its initial state, how an event evolves the state, and how a command
decides new events from the state.

Nothing here reads or writes: the application kit's one command path (`UnitOfWork.execute`)
loads a stream, folds it with `evolve`, calls `decide` and appends what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from shared.kernel.contracts import EventContract

C = TypeVar("C")
S = TypeVar("S")
E = TypeVar("E", bound=EventContract)


@dataclass(frozen=True)
class Decider(Generic[C, S]):
    name: str
    initial_state: S
    evolve: Callable[[S, EventContract], S]
    decide: Callable[[C, S], Sequence[EventContract]]

    def fold(self, events: Iterable[EventContract]) -> S:
        state = self.initial_state
        for event in events:
            state = self.evolve(state, event)
        return state

    def run(self, history: Iterable[EventContract], command: C) -> list[EventContract]:
        """What `command` decides given the stream's `history` (the whole pure path)."""
        return list(self.decide(command, self.fold(history)))


def keep_latest(**fields: type[EventContract]) -> Callable[[S, EventContract], S]:
    """An `evolve` for a frozen dataclass state whose fields hold the latest event of a
    type each: `keep_latest(assigned=AuditAssigned, submitted=AuditSubmitted)`."""
    field_of = {contract: name for name, contract in fields.items()}

    def evolve(state: S, event: EventContract) -> S:
        name = field_of.get(type(event))
        return state if name is None else replace(state, **{name: event})  # type: ignore[type-var]

    return evolve


def keep_only(contract: type[E]) -> Callable[[E | None, EventContract], E | None]:
    """An `evolve` for a state that is one event or None (a thing registered once)."""

    def evolve(state: E | None, event: EventContract) -> E | None:
        return event if isinstance(event, contract) else state

    return evolve


def by_command(
    handlers: Mapping[type[Any], Callable[[Any, S], Sequence[EventContract]]],
) -> Callable[[Any, S], Sequence[EventContract]]:
    """A `decide` that hands each command to the function for its type."""

    def decide(command: Any, state: S) -> Sequence[EventContract]:
        return handlers[type(command)](command, state)

    return decide


def once(
    done: Callable[[S], object | None], start: Callable[[C], EventContract]
) -> Callable[[C, S], list[EventContract]]:
    """A decision that starts something the first time and changes nothing after.

    For reactions to another service's event: the same event arriving again (a
    redelivery, a replay, a resubmission) is not an error, and refusing it would send
    it to the dead-letter topic for nothing."""

    def decide(command: C, state: S) -> list[EventContract]:
        return [] if done(state) is not None else [start(command)]

    return decide

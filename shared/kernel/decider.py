"""An aggregate, written once as three pure things (the "decider" of Chassaing, Equinox
and Emmett): its initial state, how an event evolves the state, and how a command
decides new events from the state.

Nothing here reads or writes: the application kit's one command path (`UnitOfWork.execute`)
loads a stream, folds it with `evolve`, calls `decide` and appends what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.kernel.contracts import EventContract

C = TypeVar("C")
S = TypeVar("S")


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

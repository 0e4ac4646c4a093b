"""What a service takes from other services' topics, typed by contract class.

A subscription is a consumer group: the services whose topics it reads, and for each
event type either a reaction (a policy that runs a use case in the consumer's inbox
transaction) or a projection that keeps read models. Types it does not name are passed
over; that decision, and dead-lettering what nobody can decode, is the consumer's
(`shared/messaging/consumer.py`), made in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from shared.kernel.actor import SystemProcess
from shared.kernel.contracts import EventContract
from shared.kit.projection import Projection
from shared.kit.unit_of_work import UnitOfWork

E = TypeVar("E", bound=EventContract)
Reaction = Callable[[E, UnitOfWork], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    name: str
    sources: tuple[str, ...]
    # The named system process the reactions act as: every event records its actor.
    actor: SystemProcess | None = None
    reactions: Mapping[type[EventContract], Reaction[Any]] = field(default_factory=dict)
    projection: Projection[Any] | None = None

    def when(self, contract: type[E], reaction: Reaction[E]) -> Subscription:
        if self.actor is None:
            raise ValueError(f"subscription {self.name} reacts, so it needs an actor")
        return replace(self, reactions={**self.reactions, contract: reaction})

    @property
    def handles(self) -> frozenset[type[EventContract]]:
        projected = self.projection.handles if self.projection is not None else frozenset()
        return frozenset(self.reactions) | projected

"""Read models declared by the event types they handle.

A projection is one object whose handlers are keyed by contract class. The same
projection runs inline (inside a command's transaction), from a consumer's inbox
transaction, or over a store's whole history to rebuild its tables. `Session` is what
the handlers write through (an asyncpg connection for the PostgreSQL adapters).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope

Session = TypeVar("Session")
E = TypeVar("E", bound=EventContract)
ProjectionHandler = Callable[[Session, E, Envelope], Awaitable[None]]


class Projection(Generic[Session]):
    def __init__(self, name: str, *, tables: Sequence[str] = ()) -> None:
        """`tables` are the tables this projection alone writes: a rebuild empties them."""
        self.name = name
        self.tables = tuple(tables)
        self._handlers: dict[type[EventContract], ProjectionHandler[Session, Any]] = {}

    def on(
        self, contract: type[E]
    ) -> Callable[[ProjectionHandler[Session, E]], ProjectionHandler[Session, E]]:
        def register(handler: ProjectionHandler[Session, E]) -> ProjectionHandler[Session, E]:
            if contract in self._handlers:
                raise ValueError(f"{self.name} handles {contract.type_name} twice")
            self._handlers[contract] = handler
            return handler

        return register

    @property
    def handles(self) -> frozenset[type[EventContract]]:
        return frozenset(self._handlers)

    async def apply(self, session: Session, envelope: Envelope, event: EventContract) -> bool:
        """Apply `event` if this projection handles its type; says whether it did."""
        handler = self._handlers.get(type(event))
        if handler is None:
            return False
        await handler(session, event, envelope)
        return True

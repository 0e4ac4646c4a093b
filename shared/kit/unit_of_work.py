"""The one command path: load a stream, fold it, decide, append at the version read,
project inline, all inside the caller's transaction.

A use case never writes its own history-decide-record body: it names a decider, a
stream and a command, and gets back the events recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from shared.kernel.contracts import ContractRegistry, EventContract
from shared.kernel.decider import Decider
from shared.kernel.envelope import Envelope, EventMetadata, seal
from shared.kit.ports import StoreSession

C = TypeVar("C")
S = TypeVar("S")


class UnitOfWork:
    """What a use case may do inside its transaction. Streams read here are kept for the
    rest of the transaction, so several reads of one stream cost one round trip."""

    def __init__(
        self, session: StoreSession, registry: ContractRegistry, metadata: EventMetadata,
        *, cause: Envelope | None = None,
    ) -> None:
        self._session = session
        self._registry = registry
        self.metadata = metadata
        # The event a reaction responds to (None for a person's command): its envelope
        # says when and where it happened.
        self.cause = cause
        self.recorded: list[Envelope] = []
        self._streams: dict[str, list[EventContract]] = {}

    @property
    def now(self) -> datetime:
        return self.metadata.occurred_at

    async def prefetch(self, *stream_ids: str) -> None:
        """Read several streams in one round trip, for the `state` and `execute` that follow."""
        wanted = [stream for stream in stream_ids if stream not in self._streams]
        if not wanted:
            return
        found = await self._session.read_streams(wanted)
        for stream in wanted:
            self._streams[stream] = [event.decode(self._registry) for event in found[stream]]

    async def _history(self, stream_id: str) -> list[EventContract]:
        await self.prefetch(stream_id)
        return self._streams[stream_id]

    async def state(self, decider: Decider[C, S], stream_id: str) -> S:
        return decider.fold(await self._history(stream_id))

    async def execute(
        self, decider: Decider[C, S], stream_id: str, command: C
    ) -> list[EventContract]:
        history = await self._history(stream_id)
        events = decider.run(history, command)
        if events:
            envelopes = seal(stream_id, len(history) + 1, events, self.metadata)
            await self._session.append(stream_id, len(history), envelopes)
            for envelope, event in zip(envelopes, events, strict=True):
                await self._session.project(envelope, event)
            history.extend(events)
            self.recorded.extend(envelopes)
        return events

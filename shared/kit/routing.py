"""What a consumer does with a record off a topic, decided without a broker or database:
handle it, pass over it, or dead-letter it (and why). This is the one place that
decision is made; `shared/messaging/consumer.py` carries it out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from shared.kernel.contracts import ContractRegistry, EventContract
from shared.kernel.envelope import Envelope


@dataclass(frozen=True)
class Handle:
    envelope: Envelope
    event: EventContract


@dataclass(frozen=True)
class PassOver:
    why: str


@dataclass(frozen=True)
class DeadLetter:
    reason: str  # a code for the dead letter's headers
    error: BaseException


Routed = Handle | PassOver | DeadLetter


def route(value: bytes | None, registry: ContractRegistry,
          handled: Collection[type[EventContract]], *, tenant: str | None,
          withdrawn: Collection[str] = ()) -> Routed:
    try:
        envelope = Envelope.from_json(value or b"")
        if envelope.event_type in withdrawn and not registry.knows(envelope.event_type):
            return PassOver("withdrawn from the wire: now internal to its service")
        event = registry.decode(envelope.event_type, envelope.schema_version,
                                envelope.payload)
    except Exception as error:  # malformed, unknown, or an upcaster that cannot cope
        return DeadLetter("undecodable", error)
    if tenant is not None and envelope.tenant != tenant:
        # One deployment serves one tenant: another's event here is misrouted.
        return DeadLetter("foreign-tenant", ValueError(f"event of tenant {envelope.tenant}"))
    if type(event) not in handled:
        return PassOver("known to every service, not acted on here")
    return Handle(envelope, event)

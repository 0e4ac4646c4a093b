"""The envelope every event travels in, and its one canonical text form.

The canonical JSON text is what the event store keeps, what the hash chain covers
and what goes on the wire, byte for byte: nothing re-serialises a stored event.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.kernel.actor import Actor
from shared.kernel.contracts import ContractRegistry, EventContract
from shared.kernel.identifiers import Slug, StreamId


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID
    event_type: Annotated[str, Field(pattern=r"^[A-Z][A-Za-z0-9]{1,80}$")]
    schema_version: Annotated[int, Field(ge=1)]
    tenant: Slug
    service_area: Slug
    stream_id: StreamId
    stream_version: Annotated[int, Field(ge=1)]
    occurred_at: AwareDatetime
    actor: Actor
    correlation_id: uuid.UUID
    causation_id: uuid.UUID
    payload: dict[str, Any]

    def canonical_json(self) -> str:
        return canonical_json(self.model_dump(mode="json"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Envelope:
        return cls.model_validate_json(text)


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class EventMetadata(BaseModel):
    """What a command brings to the events it causes: who, when, why, where."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant: Slug
    service_area: Slug
    actor: Actor
    occurred_at: AwareDatetime
    correlation_id: uuid.UUID
    causation_id: uuid.UUID

    @classmethod
    def reacting_to(cls, envelope: Envelope, actor: Actor, occurred_at: datetime) -> EventMetadata:
        """Metadata for events a consumer writes in reaction to `envelope`: same tenant,
        area and correlation, caused by that event."""
        return cls(
            tenant=envelope.tenant,
            service_area=envelope.service_area,
            actor=actor,
            occurred_at=occurred_at,
            correlation_id=envelope.correlation_id,
            causation_id=envelope.event_id,
        )


def seal(
    stream_id: str,
    first_version: int,
    events: list[EventContract],
    metadata: EventMetadata,
) -> list[Envelope]:
    """Wrap domain events for one stream in envelopes, numbered from `first_version`."""
    return [
        Envelope(
            event_id=uuid.uuid4(),
            event_type=event.type_name,
            schema_version=event.schema_version,
            tenant=metadata.tenant,
            service_area=metadata.service_area,
            stream_id=stream_id,
            stream_version=first_version + offset,
            occurred_at=metadata.occurred_at,
            actor=metadata.actor,
            correlation_id=metadata.correlation_id,
            causation_id=metadata.causation_id,
            payload=event.model_dump(mode="json"),
        )
        for offset, event in enumerate(events)
    ]


def check_envelopes(stream_id: str, expected_version: int, envelopes: Sequence[Envelope]) -> None:
    """What every store refuses before touching storage: a caller numbering wrongly."""
    for offset, envelope in enumerate(envelopes, start=1):
        if envelope.stream_id != stream_id:
            raise ValueError(f"event {envelope.event_id} belongs to another stream")
        if envelope.stream_version != expected_version + offset:
            raise ValueError(
                f"event {envelope.event_id} has version {envelope.stream_version}, "
                f"expected {expected_version + offset}"
            )


@dataclass(frozen=True)
class RecordedEvent:
    """An envelope as stored, with its place in the store's commit order."""

    envelope: Envelope
    text: str
    global_position: int
    tx_id: int

    def decode(self, registry: ContractRegistry) -> EventContract:
        return registry.decode(
            self.envelope.event_type, self.envelope.schema_version, self.envelope.payload
        )

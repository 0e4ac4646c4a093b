"""The events the foundation benchmark writes: roughly audit-sized, through a real contract."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.kernel.actor import Person
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import Envelope, EventMetadata, seal
from shared.kernel.identifiers import new_stream_id


class BenchNoteRecorded(EventContract):
    type_name = "BenchNoteRecorded"
    text: str
    sequence: int = 0


def a_stream() -> str:
    return new_stream_id("bench")


def notes(stream_id: str, first_version: int, count: int, text: str) -> list[Envelope]:
    correlation = uuid.uuid4()
    metadata = EventMetadata(
        tenant="bench-authority", service_area="childrens-social-care",
        actor=Person(person_id="staff-0042", role="auditor"),
        occurred_at=datetime.now(tz=UTC), correlation_id=correlation, causation_id=correlation,
    )
    events: list[EventContract] = [
        BenchNoteRecorded(text=f"{text} {i}", sequence=first_version + i) for i in range(count)
    ]
    return seal(stream_id, first_version, events, metadata)

"""Small contracts and helpers the infrastructure tests share."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.allocation import bootstrap as allocation
from services.audit import bootstrap as audit
from services.moderation import bootstrap as moderation
from services.reporting import bootstrap as reporting
from services.tracker import bootstrap as tracker
from shared.host.definition import ServiceDefinition
from shared.kernel.actor import Person, SystemProcess
from shared.kernel.contracts import ContractRegistry, EventContract
from shared.kernel.envelope import Envelope, EventMetadata, seal
from shared.kernel.identifiers import new_stream_id


class NoteRecorded(EventContract):
    type_name = "NoteRecorded"
    schema_version = 1
    text: str
    sequence: int = 0


REGISTRY = ContractRegistry()
REGISTRY.register(NoteRecorded)

AUDITOR = Person(person_id="staff-0042", role="auditor")
TEST_SYSTEM = SystemProcess(name="test-harness")


def metadata(actor: Person | SystemProcess = AUDITOR) -> EventMetadata:
    correlation = uuid.uuid4()
    return EventMetadata(
        tenant="test-authority",
        service_area="childrens-social-care",
        actor=actor,
        occurred_at=datetime.now(tz=UTC),
        correlation_id=correlation,
        causation_id=correlation,
    )


def notes(stream_id: str, first_version: int, count: int, text: str = "note") -> list[Envelope]:
    return seal(
        stream_id,
        first_version,
        [NoteRecorded(text=f"{text} {i}", sequence=first_version + i) for i in range(count)],
        metadata(),
    )


def a_stream() -> str:
    return new_stream_id("note")


# Every service as its composition root declares it.
DEFINITIONS: list[ServiceDefinition] = [
    module.definition() for module in (allocation, audit, moderation, tracker, reporting)
]

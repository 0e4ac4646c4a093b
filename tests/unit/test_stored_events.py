"""Events stored before a contract moved (the service kit made some events internal to
their service) still load, byte for byte as the store kept them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.kernel.envelope import Envelope
from tests.support import DEFINITIONS

FIXTURE = Path(__file__).parents[1] / "fixtures" / "stored_events_before_service_kit.json"
STORED: dict[str, list[str]] = json.loads(FIXTURE.read_text())["events"]
REGISTRIES = {definition.name: definition.registry for definition in DEFINITIONS}
# Values a later schema version spells differently (its upcaster maps them); every other
# stored value reads back unchanged.
RENAMED_VALUES = {("AuditModerated", "outcome"): {"grade-changed": "grades-changed"}}


@pytest.mark.parametrize(("service", "text"), [
    (service, text) for service, texts in STORED.items() for text in texts
])
def test_a_stored_event_still_decodes_in_its_services_registry(service: str,
                                                               text: str) -> None:
    envelope = Envelope.from_json(text)
    event = REGISTRIES[service].decode(envelope.event_type, envelope.schema_version,
                                       envelope.payload)
    assert event.type_name == envelope.event_type
    assert envelope.canonical_json() == text, "the stored text is what the chain covers"
    dumped = event.model_dump(mode="json")
    for name, value in envelope.payload.items():
        renamed = RENAMED_VALUES.get((envelope.event_type, name), {})
        assert dumped[name] == renamed.get(value, value), (envelope.event_type, name)


def test_the_fixture_covers_every_event_type_stored_before_the_move() -> None:
    stored = {Envelope.from_json(text).event_type for texts in STORED.values() for text in texts}
    assert stored == {
        "AuditCycleOpened", "CaseRegistered", "AuditorRegistered", "CaseAllocated",
        "AuditAssigned", "AuditSubmitted", "ActionRaised", "ChildOfConcernRaised",
        "AuditQueuedForModeration", "AuditModerated", "GradeChanged",
        "ActionTrackingStarted", "ActionOverdue", "ChildOfConcernTrackingStarted",
    }


def test_a_v1_concern_tracking_event_as_stored_then_reads_with_its_raised_time_unknown() -> None:
    v1 = [Envelope.from_json(text) for text in STORED["tracker"]
          if '"ChildOfConcernTrackingStarted"' in text and '"schema_version":1' in text]
    assert len(v1) == 1
    event = REGISTRIES["tracker"].decode(v1[0].event_type, 1, v1[0].payload)
    assert event.model_dump()["raised_at"] is None

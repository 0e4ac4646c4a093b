from __future__ import annotations

import uuid
from typing import Annotated

import pytest
from pydantic import ValidationError

from services.tracker.domain.events import REGISTRY as TRACKER
from services.tracker.domain.events import ChildOfConcernTrackingStarted
from shared.events.audit import ChildOfConcernRaised
from shared.kernel.contracts import (
    ContractRegistry,
    EventContract,
    InvalidPayload,
    PersonalData,
    UnknownEventType,
    UnknownSchemaVersion,
    personal_fields,
)
from shared.kernel.identifiers import new_stream_id
from tests.support import DEFINITIONS, NoteRecorded, notes


class ChildRegisteredV1(EventContract):
    type_name = "ChildRegistered"
    schema_version = 1
    name: Annotated[str, PersonalData()]


class ChildRegistered(EventContract):
    type_name = "ChildRegistered"
    schema_version = 2
    full_name: Annotated[str, PersonalData()]
    legal_status: str


def registry() -> ContractRegistry:
    reg = ContractRegistry()
    reg.register_all([ChildRegisteredV1, ChildRegistered])

    @reg.upcaster("ChildRegistered", 1)
    def v1_to_v2(payload: dict[str, object]) -> dict[str, object]:
        return {"full_name": payload["name"], "legal_status": "unknown"}

    return reg


def test_old_versions_are_upcast_on_read() -> None:
    event = registry().decode("ChildRegistered", 1, {"name": "A"})
    assert event == ChildRegistered(full_name="A", legal_status="unknown")


def test_unknown_type_and_version_are_told_apart_from_bad_payloads() -> None:
    reg = registry()
    with pytest.raises(UnknownEventType):
        reg.decode("Nope", 1, {})
    with pytest.raises(UnknownSchemaVersion):
        reg.decode("ChildRegistered", 3, {})
    with pytest.raises(InvalidPayload):
        reg.decode("ChildRegistered", 2, {"full_name": "A"})


def test_personal_data_fields_are_findable() -> None:
    assert personal_fields(ChildRegistered) == {"full_name"}
    assert personal_fields(NoteRecorded) == frozenset()


def test_contracts_are_frozen_and_strict() -> None:
    note = NoteRecorded(text="x")
    with pytest.raises(ValidationError):
        note.text = "y"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        NoteRecorded(text="x", surprise=1)  # type: ignore[call-arg]


def test_stream_ids_refuse_personal_identifiers() -> None:
    with pytest.raises(ValidationError):
        notes("child-Jane-Smith-1990-01-01", 1, 1)
    assert notes(new_stream_id("child"), 1, 1)[0].stream_version == 1


def test_canonical_text_is_stable() -> None:
    envelope = notes(new_stream_id("note"), 1, 1)[0]
    text = envelope.canonical_json()
    assert type(envelope).from_json(text).canonical_json() == text
    assert ": " not in text
    assert ", " not in text[:50]


def test_every_child_reference_and_free_text_in_any_contract_is_marked_personal() -> None:
    contracts = {contract for definition in DEFINITIONS for contract in definition.registry}
    carrying = [contract for contract in contracts if "child_ref" in contract.model_fields]
    assert len(carrying) >= 6
    for contract in carrying:
        assert "child_ref" in personal_fields(contract), contract.type_name
    for contract in contracts:
        for name in free_text_fields(contract):
            assert name in personal_fields(contract), (contract.type_name, name)


def free_text_fields(contract: type[EventContract]) -> list[str]:
    """String fields a person writes in: any str without a pattern (ids, slugs, months
    and references all have one) and not a closed choice."""
    found = []
    for name, field in contract.model_fields.items():
        if field.annotation not in (str, str | None):
            continue
        patterned = any(getattr(meta, "pattern", None) for meta in field.metadata)
        if not patterned:
            found.append(name)
    return found


def test_the_free_text_check_finds_free_text() -> None:
    assert "reason" in free_text_fields(ChildOfConcernRaised)
    assert "child_ref" not in free_text_fields(ChildOfConcernRaised)


def test_a_v1_concern_tracking_event_reads_as_v2_with_the_raised_time_unknown() -> None:
    stored_v1 = {"concern_id": str(uuid.uuid4()), "audit_id": str(uuid.uuid4()),
                 "month": "2026-10", "child_ref": "CH-0001", "case_team": "safeguarding",
                 "category": 1}
    event = TRACKER.decode("ChildOfConcernTrackingStarted", 1, stored_v1)
    assert isinstance(event, ChildOfConcernTrackingStarted)
    assert event.raised_at is None
    assert event.category == 1

"""The consumers' routing tier, in memory: what happens to each kind of record off a
topic, and that each service's subscriptions take the events they name. (Offsets,
redelivery and dead-letter publishing keep their real-broker tests.)"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.events import REGISTRY, WITHDRAWN
from shared.events.allocation import CaseAllocated
from shared.events.common import LegalStatus
from shared.kernel.actor import SystemProcess
from shared.kernel.contracts import EventContract
from shared.kernel.envelope import EventMetadata, seal
from shared.kernel.identifiers import new_stream_id
from shared.kit.routing import DeadLetter, Handle, PassOver, route
from tests.support import DEFINITIONS

TENANT = "test-authority"
ALLOCATED = CaseAllocated(
    allocation_id=uuid.uuid4(), cycle_id=uuid.uuid4(), month="2026-03",
    return_deadline=date(2026, 3, 31), case_id=uuid.uuid4(), child_ref="CH-0001",
    legal_status=LegalStatus.CHILD_PROTECTION, case_team="safeguarding",
    auditor_id="tm-ali", auditor_team="front-door",
)


def wire(event: EventContract, tenant: str = TENANT, **changes: Any) -> bytes:
    correlation = uuid.uuid4()
    metadata = EventMetadata(tenant=tenant, service_area="childrens-social-care",
                             actor=SystemProcess(name="test"),
                             occurred_at=datetime(2026, 3, 2, tzinfo=UTC),
                             correlation_id=correlation, causation_id=correlation)
    envelope = seal(new_stream_id("allocation"), 1, [event], metadata)[0]
    return envelope.model_copy(update=changes).canonical_json().encode()


def routed(value: bytes | None) -> object:
    return route(value, REGISTRY, {CaseAllocated}, tenant=TENANT, withdrawn=WITHDRAWN)


def test_a_handled_event_is_handed_over_decoded() -> None:
    result = routed(wire(ALLOCATED))
    assert isinstance(result, Handle)
    assert result.event == ALLOCATED


@pytest.mark.parametrize("value", [None, b"", b"{not json", b'{"event_type": "CaseAllocated"}'])
def test_what_cannot_be_read_is_dead_lettered_as_undecodable(value: bytes | None) -> None:
    result = routed(value)
    assert isinstance(result, DeadLetter)
    assert result.reason == "undecodable"


@pytest.mark.parametrize("changes", [
    {"event_type": "NothingKnowsThis"},
    {"schema_version": 9},
    {"payload": {"allocation_id": "not-a-uuid"}},
])
def test_an_unknown_type_or_version_or_a_bad_payload_is_dead_lettered(
    changes: dict[str, Any],
) -> None:
    result = routed(wire(ALLOCATED, **changes))
    assert isinstance(result, DeadLetter)
    assert result.reason == "undecodable"


def test_another_tenants_event_is_dead_lettered() -> None:
    result = routed(wire(ALLOCATED, tenant="another-authority"))
    assert isinstance(result, DeadLetter)
    assert result.reason == "foreign-tenant"


def test_a_known_event_this_consumer_does_not_act_on_is_passed_over() -> None:
    result = route(wire(ALLOCATED), REGISTRY, set(), tenant=TENANT, withdrawn=WITHDRAWN)
    assert isinstance(result, PassOver)


@pytest.mark.parametrize("withdrawn", sorted(WITHDRAWN))
def test_a_type_withdrawn_from_the_wire_is_passed_over_not_dead_lettered(
    withdrawn: str,
) -> None:
    assert isinstance(routed(wire(ALLOCATED, event_type=withdrawn)), PassOver)


def test_every_subscribed_type_is_a_wire_contract_routed_to_its_subscriber() -> None:
    subscribed = 0
    for definition in DEFINITIONS:
        for subscription in definition.subscriptions:
            assert subscription.handles, f"{definition.name}.{subscription.name} takes nothing"
            for contract in subscription.handles:
                assert REGISTRY.contract(contract.type_name) is contract, contract.type_name
                subscribed += 1
    assert subscribed >= 9


def test_no_service_publishes_what_another_takes_as_withdrawn() -> None:
    published = {c.type_name for d in DEFINITIONS for c in d.publishes}
    assert not published & WITHDRAWN
    for definition in DEFINITIONS:
        for contract in definition.publishes:
            assert REGISTRY.knows(contract.type_name)

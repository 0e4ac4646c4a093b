"""Given / When / Then for use cases, over the in-memory store and a fixed clock:

    await (Scenario(REGISTRY, now=NOON)
           .given(audit_stream(a), AuditAssigned(...))
           .when(lambda unit: submit_audit.handle(command, unit))
           .then(AuditSubmitted(...), ActionRaised(...)))

`then` compares every event the use case recorded, in order, and returns its result;
`then_fails` checks the error and that nothing at all was recorded.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from shared.kernel.actor import Person, SystemProcess
from shared.kernel.clock import ManualClock
from shared.kernel.contracts import ContractRegistry, EventContract
from shared.kernel.envelope import EventMetadata, seal
from shared.kit.memory import MemoryTransactions
from shared.kit.unit_of_work import UnitOfWork

TEST_ACTOR = Person(person_id="qa-officer-1", role="qa-officer")
UseCase = Callable[[UnitOfWork], Awaitable[Any]]


class Scenario:
    def __init__(
        self,
        registry: ContractRegistry,
        *,
        now: datetime,
        actor: Person | SystemProcess = TEST_ACTOR,
        tenant: str = "test-authority",
        service_area: str = "childrens-social-care",
    ) -> None:
        self.registry = registry
        self.clock = ManualClock(now)
        self.transactions = MemoryTransactions()
        self.actor = actor
        self.tenant = tenant
        self.service_area = service_area
        self._when: UseCase | None = None

    def metadata(self) -> EventMetadata:
        correlation = uuid.uuid4()
        return EventMetadata(
            tenant=self.tenant, service_area=self.service_area, actor=self.actor,
            occurred_at=self.clock.now(), correlation_id=correlation, causation_id=correlation,
        )

    def given(self, stream_id: str, *events: EventContract) -> Scenario:
        store = self.transactions.store
        version = store.version(stream_id)
        envelopes = seal(stream_id, version + 1, list(events), self.metadata())
        store.commit({stream_id: (version, envelopes)})
        return self

    def when(self, use_case: UseCase) -> Scenario:
        self._when = use_case
        return self

    async def run(self) -> tuple[Any, list[EventContract]]:
        """Runs the when-step in one transaction; its result and the events it recorded."""
        if self._when is None:
            raise AssertionError("say .when(...) before .then(...)")
        async with self.transactions.begin() as transaction:
            unit = UnitOfWork(transaction, self.registry, self.metadata())
            result = await self._when(unit)
        return result, [envelope_event(self.registry, e) for e in unit.recorded]

    async def then(self, *expected: EventContract) -> Any:
        result, recorded = await self.run()
        assert recorded == list(expected), _difference(recorded, list(expected))
        return result

    async def then_fails(self, error: type[Exception], match: str | None = None) -> Exception:
        before = len(self.transactions.store)
        try:
            await self.run()
        except error as raised:
            if match is not None and not re.search(match, str(raised)):
                raise AssertionError(f"{type(raised).__name__}({raised}) does not match "
                                     f"{match!r}") from raised
            assert len(self.transactions.store) == before, "a refusal recorded events"
            return raised
        raise AssertionError(f"expected {error.__name__}, nothing was raised")


def envelope_event(registry: ContractRegistry, envelope: Any) -> EventContract:
    return registry.decode(envelope.event_type, envelope.schema_version, envelope.payload)


def _difference(recorded: list[EventContract], expected: list[EventContract]) -> str:
    lines = ["recorded events differ from the expected ones:"]
    lines += [f"  recorded: {event!r}" for event in recorded]
    lines += [f"  expected: {event!r}" for event in expected]
    return "\n".join(lines)

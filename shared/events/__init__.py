"""The platform's wire contracts: the events a service publishes on its topic because
other services (or downstream consumers) act on them, one module per owning service.

A service's internal events live in `services/<name>/domain/events.py` and never leave
its store. Each service decodes with `service_registry(its internal contracts)`: every
wire contract plus its own, so a consumer can tell an event it does not act on (passed
over) from one nobody knows (dead-lettered).
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.events import (
    allocation,
    audit,
    checkpoints,
    moderation,
    operations,
    reporting,
    tracker,
)
from shared.kernel.contracts import ContractRegistry, EventContract, Upcaster

# Which service publishes each wire type, on its topic: the module it is declared in.
PUBLISHED_BY: dict[str, str] = {
    contract.type_name: module.__name__.rsplit(".", 1)[-1]
    for module in (allocation, audit, moderation, tracker, reporting)
    for contract in module.CONTRACTS
}
# Every service publishes these about itself, each on its own topic.
PUBLISHED_BY_EVERY_SERVICE: list[type[EventContract]] = [*checkpoints.CONTRACTS]
WIRE_CONTRACTS: list[type[EventContract]] = [
    *allocation.CONTRACTS, *audit.CONTRACTS, *moderation.CONTRACTS, *tracker.CONTRACTS,
    *reporting.CONTRACTS, *PUBLISHED_BY_EVERY_SERVICE,
]

# Published on the topics before they became internal to their service (the service kit,
# November 2026): records of them may still sit on a topic, so a consumer that cannot
# decode one passes over it rather than dead-letter it.
WITHDRAWN = frozenset({
    "CaseRegistered", "AuditorRegistered", "AuditAssigned", "AuditQueuedForModeration",
    "ChildOfConcernTrackingStarted",
})
# Every service records these about its own operation, in its own store; never published.
OPERATIONS_CONTRACTS: list[type[EventContract]] = [*operations.CONTRACTS]
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    **allocation.UPCASTERS, **audit.UPCASTERS, **moderation.UPCASTERS, **tracker.UPCASTERS,
}


def service_registry(*internal: type[EventContract],
                     upcasters: Mapping[tuple[str, int], Upcaster] | None = None
                     ) -> ContractRegistry:
    """The wire contracts with their upcasters, the operations records every service
    keeps, plus a service's internal ones."""
    registry = ContractRegistry()
    registry.register_all(WIRE_CONTRACTS)
    registry.register_all(OPERATIONS_CONTRACTS)
    registry.register_all(internal)
    for (type_name, version), upcast in {**UPCASTERS, **(upcasters or {})}.items():
        registry.upcaster(type_name, version)(upcast)
    return registry


REGISTRY = service_registry()

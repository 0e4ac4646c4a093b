"""The platform's published event contracts, one module per owning service.

Every service decodes every contract here, so it can tell an event it does not act
on (ignored) from one nobody knows (dead-lettered).
"""

from __future__ import annotations

from shared.contracts import ContractRegistry
from shared.events import allocation, audit, moderation, tracker

REGISTRY = ContractRegistry()
for _module in (allocation, audit, moderation, tracker):
    REGISTRY.register_all(_module.CONTRACTS)

REGISTRY.upcaster("ChildOfConcernTrackingStarted", 1)(tracker.upcast_concern_tracking_v1_to_v2)

"""What the audit service takes from other services' topics."""

from __future__ import annotations

from services.audit.application import assign_audit
from shared.events.allocation import CaseAllocated
from shared.kernel.actor import SystemProcess
from shared.kit.subscriptions import Subscription

ALLOCATIONS = Subscription(
    "allocations", sources=("allocation",), actor=SystemProcess(name="audit-assignment"),
).when(CaseAllocated, assign_audit.when_case_allocated)

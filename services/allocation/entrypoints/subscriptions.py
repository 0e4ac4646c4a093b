"""What the allocation service takes from other services' topics: each submitted audit
(a return, on time or late) from the audit service. `bootstrap.py` adds the projection
that keeps moderation's below-standard outcomes."""

from __future__ import annotations

from services.allocation.application.record_return import when_audit_submitted
from shared.events.audit import AuditSubmitted
from shared.kernel.actor import SystemProcess
from shared.kit.subscriptions import Subscription

RETURNS = Subscription(
    "returns", sources=("audit", "moderation"), actor=SystemProcess(name="allocation-returns"),
).when(AuditSubmitted, when_audit_submitted)

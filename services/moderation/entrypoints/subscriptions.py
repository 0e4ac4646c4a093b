"""What the moderation service takes from other services' topics."""

from __future__ import annotations

from services.moderation.application import queue_audit
from shared.events.audit import AuditSubmitted
from shared.kernel.actor import SystemProcess
from shared.kit.subscriptions import Subscription

AUDITS = Subscription(
    "audits", sources=("audit",), actor=SystemProcess(name="moderation-queue"),
).when(AuditSubmitted, queue_audit.when_audit_submitted)

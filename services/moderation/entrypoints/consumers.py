"""What the moderation service reacts to: every submitted audit joins the queue."""

from __future__ import annotations

from services.moderation.application import queue_audit
from services.moderation.domain.commands import QueueAudit
from shared.actor import SystemProcess
from shared.events.audit import AuditSubmitted
from shared.messaging.inbox import Delivery
from shared.service.runtime import Runtime, Subscription

QUEUE = SystemProcess(name="moderation-queue")


def subscriptions(runtime: Runtime) -> list[Subscription]:
    async def audit_submitted(delivery: Delivery) -> None:
        event = delivery.event
        if not isinstance(event, AuditSubmitted):
            # The consumer routes by type name, so this means the registry is miswired:
            # failing lets the consumer dead-letter it rather than drop it silently.
            raise TypeError(f"expected AuditSubmitted, got {type(event).__name__}")
        command = QueueAudit(event.audit_id, event.month, event.auditor_id, event.overall_grade)
        await queue_audit.handle(command, unit=runtime.unit_for(delivery, QUEUE))

    return [
        Subscription(name="audits", sources=["audit"],
                     handlers={"AuditSubmitted": audit_submitted}),
    ]

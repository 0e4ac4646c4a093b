"""Event handlers: turn another service's event into a command for a use case."""

from __future__ import annotations

from services.audit.application import assign_audit
from services.audit.domain.commands import AssignAudit
from services.audit.domain.streams import audit_id
from shared.actor import SystemProcess
from shared.events.allocation import CaseAllocated
from shared.messaging.inbox import Delivery
from shared.service.runtime import Runtime, Subscription

ASSIGNMENT = SystemProcess(name="audit-assignment")


def subscriptions(runtime: Runtime) -> list[Subscription]:
    async def case_allocated(delivery: Delivery) -> None:
        event = delivery.event
        if not isinstance(event, CaseAllocated):
            raise TypeError(f"expected CaseAllocated, got {event.type_name}")
        command = AssignAudit(
            audit_id=audit_id(event.allocation_id),
            allocation_id=event.allocation_id,
            cycle_id=event.cycle_id,
            month=event.month,
            return_deadline=event.return_deadline,
            case_id=event.case_id,
            child_ref=event.child_ref,
            legal_status=event.legal_status,
            case_team=event.case_team,
            auditor_id=event.auditor_id,
        )
        await assign_audit.handle(command, unit=runtime.unit_for(delivery, ASSIGNMENT))

    return [
        Subscription(name="allocations", sources=["allocation"],
                     handlers={"CaseAllocated": case_allocated})
    ]

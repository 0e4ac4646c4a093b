"""When an audit is submitted, it joins the moderation queue."""

from __future__ import annotations

from services.moderation.domain.commands import QueueAudit
from services.moderation.domain.moderation import MODERATION
from services.moderation.domain.streams import moderation_stream
from shared.events.audit import AuditSubmitted
from shared.kit.unit_of_work import UnitOfWork


async def when_audit_submitted(event: AuditSubmitted, unit: UnitOfWork) -> None:
    command = QueueAudit(event.audit_id, event.month, event.auditor_id, event.overall_grade)
    await unit.execute(MODERATION, moderation_stream(event.audit_id), command)

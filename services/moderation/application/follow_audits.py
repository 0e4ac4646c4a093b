"""What the audit service's events do here: a submission is received and sampled (or not,
with the evidence), a sampled one is given a moderator; a resubmission after rework goes
back to moderation; a Category 1 Child of Concern puts its audit in the sample. Nothing
here refuses: a refusal would dead-letter another service's event for nothing."""

from __future__ import annotations

from services.moderation.application.assigning import find_moderator, today
from services.moderation.domain.commands import (
    CountAudit,
    ReceiveSubmission,
    RecordConcern,
    SampleForConcern,
)
from services.moderation.domain.concerns import CONCERN
from services.moderation.domain.events import SubmissionReceived
from services.moderation.domain.moderation import MODERATION
from services.moderation.domain.policy import POLICY, current
from services.moderation.domain.pool import POOL
from services.moderation.domain.streams import (
    case_stream,
    concern_stream,
    moderation_stream,
    policy_stream,
    pool_stream,
)
from shared.events.audit import AuditSubmitted, ChildOfConcernRaised
from shared.events.moderation import AuditSampled
from shared.kernel.contracts import carried
from shared.kit.unit_of_work import UnitOfWork


async def when_audit_submitted(event: AuditSubmitted, unit: UnitOfWork) -> None:
    area = unit.metadata.service_area
    stream, pool = moderation_stream(event.audit_id), pool_stream(area)
    await unit.prefetch(stream, pool, policy_stream(area), case_stream(event.allocation_id))
    policy = current(await unit.state(POLICY, policy_stream(area)), area)
    auditor = (await unit.state(POOL, pool)).auditor(event.auditor_id)
    day = today(unit)
    recorded = await unit.execute(MODERATION, stream, ReceiveSubmission(
        carried(SubmissionReceived, event), policy, auditor, day))
    if not recorded:
        return
    await unit.execute(POOL, pool, CountAudit(event.audit_id, event.auditor_id, day))
    # Sampled now, or a resubmission back in moderation (never one that was not sampled).
    state = await unit.state(MODERATION, stream)
    if state.status == "awaiting" and state.moderator is None:
        await find_moderator(unit, event.audit_id)


async def when_concern_raised(event: ChildOfConcernRaised, unit: UnitOfWork) -> None:
    await unit.execute(CONCERN, concern_stream(event.concern_id), RecordConcern(
        event.concern_id, event.audit_id, event.month, event.category, event.decided_by))
    if event.category != 1 or event.decided_by != "auditor":
        return
    recorded = await unit.execute(MODERATION, moderation_stream(event.audit_id),
                                  SampleForConcern(event.audit_id, event.concern_id))
    if any(isinstance(e, AuditSampled) for e in recorded):
        await find_moderator(unit, event.audit_id)

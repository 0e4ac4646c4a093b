"""What moderation's events do to an audit: sampled, moderated (agreed, grades changed,
below standard), each grade change, returned for rework, and a moderator's Child of
Concern decision (the audit service raises the concern: it owns ChildOfConcernRaised)."""

from __future__ import annotations

import logging

from services.audit.domain.audit import AUDIT
from services.audit.domain.commands import (
    RaiseModeratorConcern,
    RecordModeration,
    RecordSampling,
    ReturnForRework,
    ReviseGrade,
)
from services.audit.domain.streams import audit_stream, moderator_concern_id
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    ChildOfConcernDecided,
    GradeChanged,
)
from shared.kit.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def when_sampled(event: AuditSampled, unit: UnitOfWork) -> None:
    await unit.execute(AUDIT, audit_stream(event.audit_id), RecordSampling(event))


async def when_moderated(event: AuditModerated, unit: UnitOfWork) -> None:
    await unit.execute(AUDIT, audit_stream(event.audit_id), RecordModeration(event))


async def when_grade_changed(event: GradeChanged, unit: UnitOfWork) -> None:
    stream = audit_stream(event.audit_id)
    state = await unit.state(AUDIT, stream)
    if event.element != "overall" and state.submitted is not None \
            and event.element not in state.grades:
        log.warning("GradeChanged for audit %s names element %r, which its tool does not "
                    "grade; passed over", event.audit_id, event.element)
    await unit.execute(AUDIT, stream, ReviseGrade(event))


async def when_returned(event: AuditReturnedForRework, unit: UnitOfWork) -> None:
    await unit.execute(AUDIT, audit_stream(event.audit_id), ReturnForRework(event))


async def when_concern_decided(event: ChildOfConcernDecided, unit: UnitOfWork) -> None:
    stream = audit_stream(event.audit_id)
    state = await unit.state(AUDIT, stream)
    if state.concerns:
        log.warning("a moderator decided a Child of Concern on audit %s, which has one "
                    "already; not raised twice (a category change is a revision)",
                    event.audit_id)
    decision = unit.cause.event_id if unit.cause is not None else event.audit_id
    await unit.execute(AUDIT, stream, RaiseModeratorConcern(
        event, moderator_concern_id(event.audit_id, decision)))

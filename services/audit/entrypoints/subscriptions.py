"""What the audit service takes from other services' topics. The reactions that need the
audit tools get the catalogue loaded at start-up."""

from __future__ import annotations

from functools import partial

from services.audit.application import assign_audit, follow_allocation, follow_moderation
from services.audit.domain.tools import ToolCatalogue
from shared.events.allocation import AuditCycleClosed, CaseAllocated, CaseReallocated
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    ChildOfConcernDecided,
    GradeChanged,
)
from shared.kernel.actor import SystemProcess
from shared.kit.subscriptions import Subscription


def allocations(tools: ToolCatalogue) -> Subscription:
    return (Subscription("allocations", sources=("allocation",),
                         actor=SystemProcess(name="audit-assignment"))
            .when(CaseAllocated, partial(assign_audit.when_case_allocated, tools=tools))
            .when(CaseReallocated, follow_allocation.when_case_reallocated)
            .when(AuditCycleClosed, follow_allocation.when_cycle_closed))


MODERATIONS = (
    Subscription("moderations", sources=("moderation",),
                 actor=SystemProcess(name="audit-moderation-results"))
    .when(AuditSampled, follow_moderation.when_sampled)
    .when(AuditModerated, follow_moderation.when_moderated)
    .when(GradeChanged, follow_moderation.when_grade_changed)
    .when(AuditReturnedForRework, follow_moderation.when_returned)
    .when(ChildOfConcernDecided, follow_moderation.when_concern_decided))

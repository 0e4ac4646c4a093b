"""What the moderation service takes from other services' topics."""

from __future__ import annotations

from services.moderation.application import follow_allocation, follow_audits
from shared.events.allocation import CaseAllocated, StaffMemberRecorded
from shared.events.audit import AuditSubmitted, ChildOfConcernRaised
from shared.kernel.actor import SystemProcess
from shared.kit.subscriptions import Subscription

AUDITS = (
    Subscription("audits", sources=("audit",), actor=SystemProcess(name="moderation-sampling"))
    .when(AuditSubmitted, follow_audits.when_audit_submitted)
    .when(ChildOfConcernRaised, follow_audits.when_concern_raised))
# The moderator pool (the staff directory) and who works each allocated case.
ALLOCATIONS = (
    Subscription("allocations", sources=("allocation",),
                 actor=SystemProcess(name="moderation-pool"))
    .when(StaffMemberRecorded, follow_allocation.when_staff_member_recorded)
    .when(CaseAllocated, follow_allocation.when_case_allocated))

"""One submitted audit's moderation: received, sampled under the service area's policy
(or not, with the evidence why), assigned to a moderator the pool chose, then decided by
that moderator: agreed, grades changed, or returned for rework (its resubmission comes
back to the same moderator)."""

from __future__ import annotations

from services.moderation.domain import sampling
from services.moderation.domain.commands import (
    QA_TEAM_ROLES,
    ModerateAudit,
    ModerationCommand,
    ReceiveSubmission,
    RecordAssignment,
    SampleForConcern,
)
from services.moderation.domain.events import (
    AuditNotSampled,
    ModerationReassigned,
    ModeratorAssigned,
    ModeratorAwaited,
    SamplingReasonAdded,
)
from services.moderation.domain.outcome import decide_outcome
from services.moderation.domain.state import Moderation, evolve
from shared.events.moderation import AuditSampled
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command
from shared.kernel.errors import Forbidden, NotFound, RuleBroken


def receive(command: ReceiveSubmission, state: Moderation) -> list[EventContract]:
    """Reactions to another service's event: a repeat changes nothing, and nothing here
    refuses (a refusal would dead-letter the event for nothing)."""
    received = command.received
    submitted = state.submitted
    if submitted is not None:
        later = received.submission > submitted.submission or state.received is None
        # A resubmission matters once the audit is in the sample (returned for rework,
        # or reopened before its moderator got to it); the first sight of a legacy-queued
        # audit's submission fills in its grades.
        return [received] if later and state.in_sample else []
    decision = sampling.decide(command.policy, received.audit_id, received.overall_grade,
                               command.auditor, command.today)
    if decision.sampled:
        return [received, AuditSampled(
            audit_id=received.audit_id, month=received.month, auditor_id=received.auditor_id,
            reasons=list(decision.reasons), seed=decision.seed,
            random_share=decision.random_share, policy_version=decision.policy_version)]
    return [received, AuditNotSampled(
        audit_id=received.audit_id, month=received.month, auditor_id=received.auditor_id,
        seed=decision.seed, random_share=decision.random_share,
        policy_version=decision.policy_version,
        audits_since_trained=decision.audits_since_trained)]


def sample_for_concern(command: SampleForConcern, state: Moderation) -> list[EventContract]:
    """A Category 1 Child of Concern puts its audit in the sample: late, when the audit
    was not sampled on submission; as one more reason when it was."""
    if state.received is None or state.decided is not None or "category-1" in state.reasons:
        return []
    if state.in_sample:
        return [SamplingReasonAdded(audit_id=command.audit_id, reason="category-1",
                                    concern_id=command.concern_id)]
    before = state.not_sampled
    return [AuditSampled(
        audit_id=state.received.audit_id, month=state.received.month,
        auditor_id=state.received.auditor_id, reasons=["category-1"],
        seed=before.seed if before else None,
        random_share=before.random_share if before else None,
        policy_version=before.policy_version if before else None)]


def record_assignment(command: RecordAssignment, state: Moderation) -> list[EventContract]:
    submitted = state.submitted
    if submitted is None:
        return []
    moderator = command.moderator_id
    if moderator is None:
        return [] if state.awaiting == command.reasons else [
            ModeratorAwaited(audit_id=command.audit_id, reasons=list(command.reasons))]
    if command.reassigned_because is not None:
        return [ModerationReassigned(audit_id=command.audit_id,
                                     from_moderator_id=state.moderator, moderator_id=moderator,
                                     reason=command.reassigned_because,
                                     external=command.external)]
    if state.moderator == moderator:
        return []
    return [ModeratorAssigned(audit_id=command.audit_id, moderator_id=moderator,
                              submission=submitted.submission, external=command.external)]


def moderate(command: ModerateAudit, state: Moderation) -> list[EventContract]:
    return decide_outcome(command, state)


def check_reassignment(state: Moderation, role: str) -> str | None:
    """Whether the QA team may move this moderation now; the moderator it leaves."""
    if role not in QA_TEAM_ROLES:
        raise Forbidden("only the QA team (qa-officer, qa-manager, head-of-quality) "
                        "assigns moderations")
    if state.submitted is None:
        raise NotFound("no such audit has reached moderation")
    if state.status != "awaiting":
        raise RuleBroken(f"this audit is {state.status}: there is no moderation to move")
    return state.moderator


MODERATION: Decider[ModerationCommand, Moderation] = Decider(
    "moderation", Moderation(), evolve,
    by_command({ReceiveSubmission: receive, SampleForConcern: sample_for_concern,
                RecordAssignment: record_assignment, ModerateAudit: moderate}))

"""What the other services' events do to an audit: reallocation moves it, moderation
samples, agrees, changes grades or returns it, a moderator decides a Child of Concern,
and the cycle's close settles it. Each is a reaction: a redelivery or a replay decides
nothing new, and nothing here refuses (a refusal would dead-letter another service's
event for nothing)."""

from __future__ import annotations

from services.audit.domain.commands import (
    EndCycle,
    RaiseModeratorConcern,
    ReallocateAudit,
    RecordModeration,
    RecordSampling,
    ReturnForRework,
    ReviseGrade,
)
from services.audit.domain.events import (
    AuditCycleEnded,
    AuditReallocated,
    AuditReopened,
    AuditSampledForModeration,
    GradeRevised,
    ModerationRecorded,
    Standing,
)
from services.audit.domain.state import Audit, fold
from shared.events.audit import AuditFinalised, ChildOfConcernRaised
from shared.kernel.contracts import EventContract, carried


def reallocate(command: ReallocateAudit, state: Audit) -> list[EventContract]:
    moved = command.reallocation
    if state.assigned is None or state.finalised is not None \
            or moved.auditor_id == state.auditor_id:
        return []
    return [AuditReallocated(audit_id=command.audit_id, from_auditor_id=state.auditor_id,
                             auditor_id=moved.auditor_id, reason=moved.reason)]


def record_sampling(command: RecordSampling, state: Audit) -> list[EventContract]:
    if state.submitted is None or state.sampled or state.finalised is not None:
        return []
    return [AuditSampledForModeration(audit_id=state.submitted.audit_id,
                                      submission=state.submission,
                                      reasons=list(command.sampled.reasons))]


def record_moderation(command: RecordModeration, state: Audit) -> list[EventContract]:
    moderated = command.moderated
    # A moderation of an earlier submission (already resubmitted) is history, not news.
    if state.submitted is None or moderated.submission != state.submission \
            or state.moderation is not None:
        return []
    recorded = ModerationRecorded(
        audit_id=moderated.audit_id, submission=state.submission,
        moderator_id=moderated.moderator_id, outcome=moderated.outcome,
        moderated_grade=moderated.moderated_grade,
        changed_elements=list(moderated.changed_elements), rationale=moderated.rationale)
    return [recorded, *_final_once_settled(fold(state, recorded))]


def revise_grade(command: ReviseGrade, state: Audit) -> list[EventContract]:
    changed = command.changed
    known = changed.element == "overall" or changed.element in state.grades
    if state.submitted is None or not known or changed.element in state.revised:
        return []
    revised = GradeRevised(audit_id=changed.audit_id, submission=state.submission,
                           element=changed.element, from_grade=changed.from_grade,
                           to_grade=changed.to_grade, moderator_id=changed.moderator_id)
    return [revised, *_final_once_settled(fold(state, revised))]


def return_for_rework(command: ReturnForRework, state: Audit) -> list[EventContract]:
    returned = command.returned
    if state.submitted is None or state.returned is not None or state.finalised is not None:
        return []
    return [AuditReopened(audit_id=returned.audit_id, submission=state.submission,
                          moderator_id=returned.moderator_id, reasons=returned.reasons)]


def raise_moderator_concern(command: RaiseModeratorConcern,
                            state: Audit) -> list[EventContract]:
    """One Child of Concern per audit: if one was raised already, the moderator's decision
    is a category question for the tracker (ChildOfConcernCategoryRevised), not a second
    child on it."""
    decided = command.decided
    if state.assigned is None or state.submitted is None or state.concerns:
        return []
    # A moderator's rationale may run to 4,000 characters, the concern's reason to 2,000:
    # shortened, never refused (refusing would dead-letter moderation's event).
    reason = decided.reason if len(decided.reason) <= 2000 else decided.reason[:1999] + "…"
    return [carried(ChildOfConcernRaised, state.assigned, concern_id=command.concern_id,
                    category=decided.category, reason=reason,
                    nature=list(decided.nature), immediacy=decided.immediacy,
                    decided_by="moderator")]


def end_cycle(command: EndCycle, state: Audit) -> list[EventContract]:
    """At the close: a submitted audit not in moderation's hands is final unmoderated; one
    returned and not resubmitted is final, not completed to standard; one sampled (or
    resubmitted) and not yet moderated waits for its moderation; an unsubmitted one is a
    nil return."""
    if state.assigned is None or state.cycle_ended is not None:
        return []

    def ended(standing: Standing) -> AuditCycleEnded:
        return AuditCycleEnded(audit_id=command.audit_id, cycle_id=command.cycle_id,
                               standing=standing)

    if state.finalised is not None:
        return [ended("final")]
    if state.submitted is None:
        return [ended("not-submitted")]
    if state.returned is not None:
        return [ended("returned-not-resubmitted"),
                _finalised(state, moderated=True, to_standard=False)]
    awaiting = (state.sampled or state.submission > 1) and state.moderation is None
    if awaiting or _pending(state):
        return [ended("awaiting-moderation")]
    return [ended("final"),
            _finalised(state, moderated=state.moderation is not None, to_standard=True)]


def _pending(state: Audit) -> set[str]:
    """Element grades moderation said it changed and whose GradeChanged has not come."""
    moderation = state.moderation
    if moderation is None:
        return set()
    return set(moderation.changed_elements) - {"overall"} - state.revised


def _final_once_settled(state: Audit) -> list[EventContract]:
    """Final when moderation accepted the submission (agreed or changed grades) and every
    element change it announced has arrived. Finalised unmoderated at the close and
    moderated after it: final again, moderated (the latest AuditFinalised stands)."""
    moderation = state.moderation
    if moderation is None or moderation.outcome == "below-standard" or _pending(state):
        return []
    if state.finalised is not None and (state.finalised.moderated
                                        or not state.finalised.completed_to_standard):
        return []
    return [_finalised(state, moderated=True, to_standard=True)]


def _finalised(state: Audit, *, moderated: bool, to_standard: bool) -> AuditFinalised:
    assert state.assigned is not None
    assert state.overall is not None
    return carried(AuditFinalised, state.assigned, final_grade=state.overall,
                   moderated=moderated, completed_to_standard=to_standard)

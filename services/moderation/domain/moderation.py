"""One submitted audit's moderation: queued once, then moderated once by someone other
than its auditor, who either agrees the grade or changes it with a rationale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.moderation.domain.commands import ModerateAudit, QueueAudit
from shared.contracts import EventContract
from shared.domain import Forbidden, NotFound, RuleBroken
from shared.events.common import Grade
from shared.events.moderation import AuditModerated, AuditQueuedForModeration, GradeChanged


class OwnAudit(Forbidden):
    """An auditor tried to moderate their own audit: a matter of authority (HTTP 403),
    not a conflict with the audit's state."""


@dataclass(frozen=True)
class Moderation:
    queued: AuditQueuedForModeration | None
    moderated: AuditModerated | None


def replay(history: Sequence[EventContract]) -> Moderation:
    queued: AuditQueuedForModeration | None = None
    moderated: AuditModerated | None = None
    for event in history:
        if isinstance(event, AuditQueuedForModeration):
            queued = event
        elif isinstance(event, AuditModerated):
            moderated = event
    return Moderation(queued, moderated)


def queue_audit(history: Sequence[EventContract], command: QueueAudit) -> list[EventContract]:
    # AuditSubmitted may be published again (a replay, a resubmission): the first one
    # queues the audit and anything later must not reopen or duplicate it.
    if history:
        return []
    return [
        AuditQueuedForModeration(
            audit_id=command.audit_id, month=command.month,
            auditor_id=command.auditor_id, submitted_grade=command.submitted_grade,
        )
    ]


def moderate(history: Sequence[EventContract], command: ModerateAudit) -> list[EventContract]:
    state = replay(history)
    queued = state.queued
    if queued is None:
        raise NotFound("no such audit is queued for moderation")
    if command.moderator_id == queued.auditor_id:
        raise OwnAudit("an auditor never moderates their own audit")
    if state.moderated is not None:
        raise RuleBroken(
            f"this audit was already moderated by {state.moderated.moderator_id}"
        )
    original = queued.submitted_grade
    if command.outcome == "agreed":
        if command.moderated_grade not in (None, original):
            raise RuleBroken("agreeing keeps the submitted grade: change it with grade-changed")
        return [_moderated(queued, command, original)]
    if command.moderated_grade is None:
        raise RuleBroken("a grade change names the new grade")
    if command.moderated_grade == original:
        raise RuleBroken(
            f"the audit was already graded {original.value}: agree it instead of changing it"
        )
    if not command.rationale.strip():
        raise RuleBroken("a grade change needs a rationale")
    return [
        _moderated(queued, command, command.moderated_grade),
        GradeChanged(
            audit_id=queued.audit_id, month=queued.month, moderator_id=command.moderator_id,
            from_grade=original, to_grade=command.moderated_grade, rationale=command.rationale,
        ),
    ]


def _moderated(
    queued: AuditQueuedForModeration, command: ModerateAudit, grade: Grade
) -> AuditModerated:
    return AuditModerated(
        audit_id=queued.audit_id, month=queued.month, moderator_id=command.moderator_id,
        outcome=command.outcome, original_grade=queued.submitted_grade, moderated_grade=grade,
        rationale=command.rationale,
    )

"""One submitted audit's moderation: queued once, then moderated once by someone other
than its auditor, who either agrees the grade or changes it with a rationale."""

from __future__ import annotations

from dataclasses import dataclass

from services.moderation.domain.commands import ModerateAudit, ModerationCommand, QueueAudit
from services.moderation.domain.events import AuditQueuedForModeration
from services.moderation.domain.rules import (
    GRADE_CHANGE_HAS_A_RATIONALE,
    GRADE_CHANGE_NAMES_THE_GRADE,
)
from shared.events.common import Grade
from shared.events.moderation import AuditModerated, GradeChanged
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, by_command, keep_latest, once
from shared.kernel.errors import Forbidden, NotFound, RuleBroken


class OwnAudit(Forbidden):
    """An auditor tried to moderate their own audit: a matter of authority (HTTP 403),
    not a conflict with the audit's state."""


@dataclass(frozen=True)
class Moderation:
    queued: AuditQueuedForModeration | None = None
    moderated: AuditModerated | None = None


def queued(command: QueueAudit) -> AuditQueuedForModeration:
    # The first AuditSubmitted queues the audit; a later one (a replay, a resubmission)
    # must not reopen or duplicate it.
    return AuditQueuedForModeration(audit_id=command.audit_id, month=command.month,
                                    auditor_id=command.auditor_id,
                                    submitted_grade=command.submitted_grade)


def moderate(command: ModerateAudit, state: Moderation) -> list[EventContract]:
    queued = state.queued
    if queued is None:
        raise NotFound("no such audit is queued for moderation")
    if command.moderator_id == queued.auditor_id:
        raise OwnAudit("an auditor never moderates their own audit")
    if state.moderated is not None:
        raise RuleBroken(f"this audit was already moderated by {state.moderated.moderator_id}")
    original = queued.submitted_grade
    if command.outcome == "agreed":
        if command.moderated_grade not in (None, original):
            raise RuleBroken("agreeing keeps the submitted grade: change it with grade-changed")
        return [_moderated(queued, command, original)]
    GRADE_CHANGE_NAMES_THE_GRADE.check(command)
    GRADE_CHANGE_HAS_A_RATIONALE.check(command)
    assert command.moderated_grade is not None  # the rule above
    if command.moderated_grade == original:
        raise RuleBroken(
            f"the audit was already graded {original.value}: agree it instead of changing it"
        )
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
    changed = command.outcome == "grade-changed"
    return AuditModerated(
        audit_id=queued.audit_id, month=queued.month, moderator_id=command.moderator_id,
        outcome="grades-changed" if changed else "agreed",
        original_grade=queued.submitted_grade, moderated_grade=grade,
        changed_elements=["overall"] if changed else [], rationale=command.rationale,
    )


MODERATION: Decider[ModerationCommand, Moderation] = Decider(
    "moderation", Moderation(),
    keep_latest(queued=AuditQueuedForModeration, moderated=AuditModerated),
    by_command({QueueAudit: once(lambda moderation: moderation.queued, queued),
                ModerateAudit: moderate}))

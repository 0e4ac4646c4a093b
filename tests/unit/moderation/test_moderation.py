from __future__ import annotations

import uuid

import pytest

from services.moderation.domain import moderation
from services.moderation.domain.commands import ModerateAudit, QueueAudit
from services.moderation.domain.moderation import OwnAudit
from shared.contracts import EventContract
from shared.domain import Forbidden, NotFound, RuleBroken
from shared.events.common import Grade
from shared.events.moderation import AuditModerated, AuditQueuedForModeration, GradeChanged

AUDIT = uuid.UUID("0b9c3f5e-4d0a-4c59-9a53-7c1f0c2f6a01")
QUEUE = QueueAudit(AUDIT, "2025-03", "aud-1", Grade.GOOD)


def queued() -> list[EventContract]:
    return moderation.queue_audit([], QUEUE)


def agree(moderator: str = "mod-1") -> ModerateAudit:
    return ModerateAudit(AUDIT, moderator, "agreed")


def change(
    grade: Grade = Grade.REQUIRES_IMPROVEMENT, rationale: str = "plans drift"
) -> ModerateAudit:
    return ModerateAudit(AUDIT, "mod-1", "grade-changed", grade, rationale)


def test_a_submitted_audit_is_queued_with_its_auditor_and_grade() -> None:
    assert queued() == [
        AuditQueuedForModeration(
            audit_id=AUDIT, month="2025-03", auditor_id="aud-1", submitted_grade=Grade.GOOD
        )
    ]


def test_an_audit_is_queued_only_once() -> None:
    assert moderation.queue_audit(queued(), QUEUE) == []
    resubmitted = QueueAudit(AUDIT, "2025-03", "aud-1", Grade.INADEQUATE)
    assert moderation.queue_audit(queued(), resubmitted) == []


def test_agreeing_records_one_moderation_keeping_the_grade() -> None:
    events = moderation.moderate(queued(), agree())
    assert events == [
        AuditModerated(
            audit_id=AUDIT, month="2025-03", moderator_id="mod-1", outcome="agreed",
            original_grade=Grade.GOOD, moderated_grade=Grade.GOOD,
        )
    ]


def test_agreeing_may_name_the_submitted_grade_but_no_other() -> None:
    same = ModerateAudit(AUDIT, "mod-1", "agreed", Grade.GOOD)
    assert len(moderation.moderate(queued(), same)) == 1
    with pytest.raises(RuleBroken):
        moderation.moderate(queued(), ModerateAudit(AUDIT, "mod-1", "agreed", Grade.INADEQUATE))


def test_changing_the_grade_records_the_moderation_and_the_change() -> None:
    moderated, changed = moderation.moderate(queued(), change())
    assert moderated == AuditModerated(
        audit_id=AUDIT, month="2025-03", moderator_id="mod-1", outcome="grade-changed",
        original_grade=Grade.GOOD, moderated_grade=Grade.REQUIRES_IMPROVEMENT,
        rationale="plans drift",
    )
    assert changed == GradeChanged(
        audit_id=AUDIT, month="2025-03", moderator_id="mod-1", from_grade=Grade.GOOD,
        to_grade=Grade.REQUIRES_IMPROVEMENT, rationale="plans drift",
    )


def test_an_auditor_never_moderates_their_own_audit() -> None:
    with pytest.raises(OwnAudit):
        moderation.moderate(queued(), agree("aud-1"))


def test_own_audit_is_a_question_of_authority_answered_with_403() -> None:
    assert issubclass(OwnAudit, Forbidden)
    assert not issubclass(OwnAudit, RuleBroken)


def test_an_audit_is_moderated_only_once() -> None:
    history = queued() + moderation.moderate(queued(), agree())
    with pytest.raises(RuleBroken, match="already moderated by mod-1"):
        moderation.moderate(history, change())
    with pytest.raises(RuleBroken):
        moderation.moderate(history, ModerateAudit(AUDIT, "mod-2", "agreed"))


def test_a_change_to_the_submitted_grade_is_refused() -> None:
    with pytest.raises(RuleBroken, match="agree it instead"):
        moderation.moderate(queued(), change(Grade.GOOD))


def test_a_change_needs_the_new_grade_and_a_rationale() -> None:
    without_grade = ModerateAudit(AUDIT, "mod-1", "grade-changed", None, "why")
    with pytest.raises(RuleBroken):
        moderation.moderate(queued(), without_grade)
    with pytest.raises(RuleBroken):
        moderation.moderate(queued(), change(rationale="  "))


def test_an_audit_that_is_not_queued_is_not_found() -> None:
    with pytest.raises(NotFound):
        moderation.moderate([], agree())


def test_replay_reads_the_queue_entry_and_the_moderation() -> None:
    history = queued() + moderation.moderate(queued(), change())
    state = moderation.replay(history)
    assert state.queued is not None
    assert state.queued.submitted_grade is Grade.GOOD
    assert state.moderated is not None
    assert state.moderated.moderated_grade is Grade.REQUIRES_IMPROVEMENT

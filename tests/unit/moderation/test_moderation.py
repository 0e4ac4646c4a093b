"""Moderation's use cases through the kit's harness: queued once on AuditSubmitted, then
moderated once by someone other than the auditor."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial

import pytest

from services.moderation.application import moderate_audit, queue_audit
from services.moderation.domain.commands import ModerateAudit
from services.moderation.domain.events import REGISTRY, AuditQueuedForModeration
from services.moderation.domain.moderation import OwnAudit
from services.moderation.domain.streams import moderation_stream
from shared.events.audit import AuditSubmitted
from shared.events.common import Grade, LegalStatus
from shared.events.moderation import AuditModerated, GradeChanged
from shared.kernel.clock import LONDON
from shared.kernel.errors import Forbidden, NotFound, RuleBroken
from shared.kit.scenario import Scenario, UseCase

AUDIT = uuid.UUID("0b9c3f5e-4d0a-4c59-9a53-7c1f0c2f6a01")
STREAM = moderation_stream(AUDIT)
QUEUED = AuditQueuedForModeration(audit_id=AUDIT, month="2025-03", auditor_id="aud-1",
                                  submitted_grade=Grade.GOOD)


def submitted(grade: Grade = Grade.GOOD) -> AuditSubmitted:
    return AuditSubmitted(
        audit_id=AUDIT, allocation_id=uuid.uuid4(), cycle_id=uuid.uuid4(), month="2025-03",
        case_id=uuid.uuid4(), child_ref="CR-00001", legal_status=LegalStatus.CHILD_IN_NEED,
        case_team="east-1", auditor_id="aud-1", overall_grade=grade, late=False,
    )


@pytest.fixture
def spec() -> Scenario:
    return Scenario(REGISTRY, now=datetime(2025, 3, 20, 11, 0, tzinfo=LONDON))


def moderating(command: ModerateAudit) -> UseCase:
    return partial(moderate_audit.handle, command)


def agree(moderator: str = "mod-1") -> ModerateAudit:
    return ModerateAudit(AUDIT, moderator, "agreed")


def change(grade: Grade | None = Grade.REQUIRES_IMPROVEMENT,
           rationale: str = "plans drift") -> ModerateAudit:
    return ModerateAudit(AUDIT, "mod-1", "grade-changed", grade, rationale)


async def test_a_submitted_audit_is_queued_with_its_auditor_and_grade(spec: Scenario) -> None:
    await spec.when(partial(queue_audit.when_audit_submitted, submitted())).then(QUEUED)


async def test_an_audit_is_queued_only_once_even_if_submitted_again(spec: Scenario) -> None:
    await (spec.given(STREAM, QUEUED)
           .when(partial(queue_audit.when_audit_submitted, submitted(Grade.INADEQUATE)))
           .then())


async def test_agreeing_records_one_moderation_keeping_the_grade(spec: Scenario) -> None:
    result = await spec.given(STREAM, QUEUED).when(moderating(agree())).then(AuditModerated(
        audit_id=AUDIT, month="2025-03", moderator_id="mod-1", outcome="agreed",
        original_grade=Grade.GOOD, moderated_grade=Grade.GOOD))
    assert (result.outcome, result.moderated_grade) == ("agreed", Grade.GOOD)


async def test_agreeing_may_name_the_submitted_grade_but_no_other(spec: Scenario) -> None:
    same = ModerateAudit(AUDIT, "mod-1", "agreed", Grade.GOOD)
    await spec.given(STREAM, QUEUED).when(moderating(same)).run()
    other = ModerateAudit(AUDIT, "mod-1", "agreed", Grade.INADEQUATE)
    await Scenario(REGISTRY, now=spec.clock.now()).given(STREAM, QUEUED).when(
        moderating(other)).then_fails(RuleBroken, "agreeing keeps")


async def test_changing_the_grade_records_the_moderation_and_the_change(
    spec: Scenario,
) -> None:
    await spec.given(STREAM, QUEUED).when(moderating(change())).then(
        AuditModerated(audit_id=AUDIT, month="2025-03", moderator_id="mod-1",
                       outcome="grades-changed", original_grade=Grade.GOOD,
                       moderated_grade=Grade.REQUIRES_IMPROVEMENT,
                       changed_elements=["overall"], rationale="plans drift"),
        GradeChanged(audit_id=AUDIT, month="2025-03", moderator_id="mod-1",
                     from_grade=Grade.GOOD, to_grade=Grade.REQUIRES_IMPROVEMENT,
                     rationale="plans drift"),
    )


async def test_an_auditor_never_moderates_their_own_audit(spec: Scenario) -> None:
    await spec.given(STREAM, QUEUED).when(moderating(agree("aud-1"))).then_fails(OwnAudit)


def test_own_audit_is_a_question_of_authority_answered_with_403() -> None:
    assert issubclass(OwnAudit, Forbidden)
    assert not issubclass(OwnAudit, RuleBroken)


@pytest.mark.parametrize("second", [change(), ModerateAudit(AUDIT, "mod-2", "agreed")])
async def test_an_audit_is_moderated_only_once(spec: Scenario, second: ModerateAudit) -> None:
    earlier = AuditModerated(audit_id=AUDIT, month="2025-03", moderator_id="mod-1",
                             outcome="agreed", original_grade=Grade.GOOD,
                             moderated_grade=Grade.GOOD)
    await (spec.given(STREAM, QUEUED, earlier).when(moderating(second))
           .then_fails(RuleBroken, "already moderated by mod-1"))


async def test_a_change_to_the_submitted_grade_is_refused(spec: Scenario) -> None:
    await (spec.given(STREAM, QUEUED).when(moderating(change(Grade.GOOD)))
           .then_fails(RuleBroken, "agree it instead"))


@pytest.mark.parametrize(("command", "says"), [
    (change(None, "why"), "names the new grade"),
    (change(rationale="  "), "needs a rationale"),
])
async def test_a_change_needs_the_new_grade_and_a_rationale(
    spec: Scenario, command: ModerateAudit, says: str
) -> None:
    await spec.given(STREAM, QUEUED).when(moderating(command)).then_fails(RuleBroken, says)


async def test_an_audit_that_is_not_queued_is_not_found(spec: Scenario) -> None:
    await spec.when(moderating(agree())).then_fails(NotFound)

"""Recording a moderation's outcome through the harness: agreed, grades changed per
element and overall (with the Child of Concern consequences), returned for rework and
back to the same moderator; and every refusal, which records nothing."""

from __future__ import annotations

import uuid
from functools import partial

import pytest

from services.moderation.application import moderate_audit, reassign
from services.moderation.application.reassign import Reassign
from services.moderation.domain.commands import Change, ConcernDecision, ModerateAudit
from services.moderation.domain.events import (
    AuditCounted,
    ModerationReassigned,
    ModeratorAssigned,
    WorkloadReleased,
    WorkloadTaken,
)
from services.moderation.domain.outcome import NotYours, OwnAudit
from shared.events.common import Grade
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    ChildOfConcernDecided,
    ConcernReviewRequested,
    GradeChanged,
)
from shared.kernel.actor import Person
from shared.kernel.contracts import EventContract
from shared.kernel.errors import FieldsRefused, Forbidden, NotFound, RuleBroken
from shared.kit.scenario import Scenario, UseCase
from tests.unit.moderation.support import (
    AUDIT,
    CASE,
    POOL,
    STREAM,
    TODAY,
    case_facts,
    member,
    on_submitted,
    received,
    spec,
    submitted,
)

MOD = Person(person_id="mod-a", role="moderator")
COMMON = {"audit_id": AUDIT, "month": "2025-03", "moderator_id": "mod-a"}
RELEASED = WorkloadReleased(audit_id=AUDIT, moderator_id="mod-a")


def in_moderation(grade: Grade = Grade.GOOD, **kwargs: object) -> Scenario:
    """Sampled and assigned to mod-a."""
    return (spec(MOD).given(STREAM, received(grade, **kwargs),
                            AuditSampled(audit_id=AUDIT, month="2025-03", auditor_id="aud-1",
                                         reasons=["random"]),
                            ModeratorAssigned(audit_id=AUDIT, moderator_id="mod-a",
                                              submission=1))
            .given(POOL, member("mod-a"), member("mod-b"),
                   AuditCounted(audit_id=AUDIT, auditor_id="aud-1", submitted_on=TODAY),
                   WorkloadTaken(audit_id=AUDIT, moderator_id="mod-a"))
            .given(CASE, case_facts()))


def moderating(outcome: str = "agreed", *, by: str = "mod-a", role: str = "moderator",
               **fields: object) -> UseCase:
    command = ModerateAudit(AUDIT, by, outcome, role=role, **fields)  # type: ignore[arg-type]
    return partial(moderate_audit.handle, command)


def change(**changes: tuple[Grade, str]) -> dict[str, Change]:
    return {element: Change(grade, why) for element, (grade, why) in changes.items()}


def moderated(outcome: str, moderated_grade: Grade = Grade.GOOD, *, original: Grade = Grade.GOOD,
              changed: list[str] | None = None, submission: int = 1) -> AuditModerated:
    return AuditModerated(**COMMON, outcome=outcome,
                          original_grade=original, moderated_grade=moderated_grade,
                          changed_elements=changed or [], submission=submission)


async def test_agreeing_records_the_outcome_and_frees_the_moderator() -> None:
    result = await in_moderation().when(moderating()).then(moderated("agreed"), RELEASED)
    assert (result.outcome, result.moderated_grade, result.changes) == ("agreed", Grade.GOOD, [])


async def test_changing_an_element_records_its_change_then_the_outcome() -> None:
    changes = change(risk=(Grade.REQUIRES_IMPROVEMENT, "Risk not reassessed"))
    await in_moderation().when(moderating("grades-changed", changes=changes)).then(
        GradeChanged(**COMMON, element="risk", from_grade=Grade.GOOD,
                     to_grade=Grade.REQUIRES_IMPROVEMENT, rationale="Risk not reassessed"),
        moderated("grades-changed", changed=["risk"]), RELEASED)


async def test_changing_elements_and_overall_records_each_by_element_overall_last() -> None:
    changes = change(overall=(Grade.REQUIRES_IMPROVEMENT, "Plan drifted"),
                     **{"voice-of-the-child": (Grade.OUTSTANDING, "Direct work"),
                        "risk": (Grade.REQUIRES_IMPROVEMENT, "Risk not reassessed")})
    result = await in_moderation().when(moderating("grades-changed", changes=changes)).then(
        GradeChanged(**COMMON, element="risk", from_grade=Grade.GOOD,
                     to_grade=Grade.REQUIRES_IMPROVEMENT, rationale="Risk not reassessed"),
        GradeChanged(**COMMON, element="voice-of-the-child", from_grade=Grade.GOOD,
                     to_grade=Grade.OUTSTANDING, rationale="Direct work"),
        GradeChanged(**COMMON, element="overall", from_grade=Grade.GOOD,
                     to_grade=Grade.REQUIRES_IMPROVEMENT, rationale="Plan drifted"),
        moderated("grades-changed", Grade.REQUIRES_IMPROVEMENT,
                  changed=["risk", "voice-of-the-child", "overall"]), RELEASED)
    assert [c.element for c in result.changes] == ["risk", "voice-of-the-child", "overall"]


async def test_changing_to_inadequate_records_the_moderators_concern_decision() -> None:
    concern = ConcernDecision(1, "No visit in twelve weeks")
    changes = change(overall=(Grade.INADEQUATE, "Child not seen"))
    await in_moderation().when(moderating("grades-changed", changes=changes,
                                          child_of_concern=concern)).then(
        GradeChanged(**COMMON, element="overall", from_grade=Grade.GOOD,
                     to_grade=Grade.INADEQUATE, rationale="Child not seen"),
        ChildOfConcernDecided(**COMMON, category=1, reason="No visit in twelve weeks"),
        moderated("grades-changed", Grade.INADEQUATE, changed=["overall"]), RELEASED)
    error = await in_moderation().when(moderating("grades-changed", changes=changes)
                                       ).then_fails(FieldsRefused)
    assert [e.loc for e in error.errors] == [("child_of_concern",)]  # type: ignore[attr-defined]


async def test_changing_away_from_inadequate_asks_the_tracker_to_review_the_concern() -> None:
    changes = change(overall=(Grade.REQUIRES_IMPROVEMENT, "Risk escalated the same day"))
    await in_moderation(Grade.INADEQUATE).when(moderating("grades-changed", changes=changes)
                                                ).then(
        GradeChanged(**COMMON, element="overall", from_grade=Grade.INADEQUATE,
                     to_grade=Grade.REQUIRES_IMPROVEMENT, rationale="Risk escalated the same day"),
        ConcernReviewRequested(**COMMON, from_grade=Grade.INADEQUATE,
                               to_grade=Grade.REQUIRES_IMPROVEMENT),
        moderated("grades-changed", Grade.REQUIRES_IMPROVEMENT, original=Grade.INADEQUATE,
                  changed=["overall"]), RELEASED)


async def test_below_standard_returns_it_and_the_resubmission_comes_back_to_the_same_moderator(
) -> None:
    history = in_moderation()
    await history.when(moderating("below-standard", reasons="No analysis of risk")).then(
        AuditReturnedForRework(**COMMON, reasons="No analysis of risk"),
        moderated("below-standard"), RELEASED)
    # mod-b now has the lighter load, but the resubmission goes back to mod-a.
    history.given(POOL, WorkloadTaken(audit_id=uuid.uuid4(), moderator_id="mod-a"))
    resubmitted = submitted(Grade.REQUIRES_IMPROVEMENT, submission=2)
    await history.when(on_submitted(resubmitted)).then(
        received(Grade.REQUIRES_IMPROVEMENT, submission=2),
        WorkloadTaken(audit_id=AUDIT, moderator_id="mod-a"),
        ModeratorAssigned(audit_id=AUDIT, moderator_id="mod-a", submission=2))
    await history.when(moderating()).then(
        moderated("agreed", Grade.REQUIRES_IMPROVEMENT, original=Grade.REQUIRES_IMPROVEMENT,
                  submission=2), RELEASED)


@pytest.mark.parametrize(("use_case", "error", "says"), [
    (moderating(by="aud-1"), OwnAudit, "never moderates their own"),
    (moderating(by="aud-1", role="head-of-quality"), OwnAudit, "own"),
    (moderating(by="mod-b"), NotYours, "assigned to mod-a, not to you"),
    (moderating("grades-changed", changes=change(risk=(Grade.GOOD, "same"))), FieldsRefused,
     "graded it good already"),
    (moderating("grades-changed", changes=change(risk=(Grade.ADEQUATE, "old scale"))),
     FieldsRefused, r"changes.risk.grade: not on this audit's scale \(ofsted-2014\)"),
    (moderating("grades-changed", changes=change(impact=(Grade.GOOD, "x"))), FieldsRefused,
     "changes.impact: not graded on this audit"),
    (moderating("grades-changed", changes=change(risk=(Grade.INADEQUATE, " "))), RuleBroken,
     "needs a rationale"),
    (moderating("grades-changed"), RuleBroken, "at least one changed grade"),
    (moderating("below-standard"), RuleBroken, "returned with the reasons"),
    (moderating("agreed", reasons="x"), RuleBroken, "only when returning"),
])
async def test_a_refused_outcome_says_why_and_records_nothing(
    use_case: UseCase, error: type[Exception], says: str
) -> None:
    await in_moderation().when(use_case).then_fails(error, says)


async def test_the_2012_scale_takes_adequate_and_refuses_requires_improvement() -> None:
    old = {"risk": Grade.ADEQUATE, "plans": Grade.GOOD}
    ok = moderating("grades-changed", changes=change(plans=(Grade.ADEQUATE, "no timescales")))
    await in_moderation(Grade.ADEQUATE, elements=old, tool="closed-case").when(ok).run()
    refused = moderating("grades-changed",
                         changes=change(plans=(Grade.REQUIRES_IMPROVEMENT, "x")))
    await (in_moderation(Grade.ADEQUATE, elements=old, tool="closed-case").when(refused)
           .then_fails(FieldsRefused, "ofsted-2012"))


async def test_moderated_once_per_submission_and_only_when_sampled() -> None:
    twice = in_moderation()
    await twice.when(moderating()).run()
    await twice.when(moderating()).then_fails(RuleBroken, "already moderated by mod-a")
    await spec(MOD).when(moderating()).then_fails(NotFound)


async def test_the_head_of_quality_may_moderate_an_audit_no_moderator_could_take() -> None:
    hoq = Person(person_id="hoq-1", role="head-of-quality")
    waiting = spec(hoq).given(STREAM, received(), AuditSampled(
        audit_id=AUDIT, month="2025-03", auditor_id="aud-1", reasons=["inadequate"]))
    events: list[EventContract] = [AuditModerated(
        audit_id=AUDIT, month="2025-03", moderator_id="hoq-1", outcome="agreed",
        original_grade=Grade.GOOD, moderated_grade=Grade.GOOD)]
    await waiting.when(moderating(by="hoq-1", role="head-of-quality")).then(*events)
    await (spec(MOD).given(STREAM, received(), AuditSampled(
        audit_id=AUDIT, month="2025-03", auditor_id="aud-1", reasons=["inadequate"]))
        .when(moderating()).then_fails(NotYours, "not assigned to a moderator yet"))


async def test_the_qa_team_reassigns_with_a_reason_and_others_may_not() -> None:
    qa = Person(person_id="qa-1", role="qa-manager")
    reassigning = partial(reassign.handle, Reassign(AUDIT, None, "mod-a on leave", "qa-manager"))
    result = await (in_moderation().given(POOL, member("ext-1", external=True, team="ext"))
                    .when(reassigning).run())
    assert result[0].moderator_id == "ext-1"  # mod-b and ext-1 both free: by name
    assert result[1] == [RELEASED, WorkloadTaken(audit_id=AUDIT, moderator_id="ext-1"),
                         ModerationReassigned(audit_id=AUDIT, from_moderator_id="mod-a",
                                              moderator_id="ext-1", reason="mod-a on leave",
                                              external=True)]
    by_hand = partial(reassign.handle, Reassign(AUDIT, "aud-1", "why not", "qa-manager"))
    await (in_moderation().given(POOL, member("aud-1")).when(by_hand)
           .then_fails(RuleBroken, "aud-1 may not moderate this audit: the audit's auditor"))
    del qa
    moderator_tries = partial(reassign.handle, Reassign(AUDIT, "mod-b", "x", "moderator"))
    await in_moderation().when(moderator_tries).then_fails(Forbidden, "QA team")

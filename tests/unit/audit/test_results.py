"""What moderation and allocation do to an audit: final when moderation accepts it (once
every announced grade change has come), reopened when returned and resubmitted as
submission 2, a moderator's Child of Concern raised by the audit, reallocation, and the
cycle's close."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any, Literal

from services.audit.application import follow_allocation, follow_moderation, submit_audit
from services.audit.domain.events import (
    AuditCycleEnded,
    AuditJoinedCycle,
    AuditReallocated,
    AuditReopened,
    AuditSampledForModeration,
    GradeRevised,
    ModerationRecorded,
)
from services.audit.domain.streams import audit_stream, cycle_stream
from shared.events.allocation import AuditCycleClosed, CaseReallocated
from shared.events.audit import AuditFinalised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade
from shared.events.moderation import (
    AuditModerated,
    AuditReturnedForRework,
    AuditSampled,
    ChildOfConcernDecided,
    GradeChanged,
)
from shared.kernel.contracts import EventContract
from shared.kit.scenario import Scenario
from tests.unit.audit.builders import (
    ALLOCATION,
    AUDIT,
    AUDITOR,
    CASE,
    CYCLE,
    STREAM,
    TOOLS,
    assigned,
    body,
    inadequate,
    spec,
    submit,
)

MODERATOR = "mod-1"


async def submitted(content: dict[str, Any] | None = None) -> Scenario:
    scenario = spec().given(STREAM, assigned())
    _, events = await scenario.when(partial(submit_audit.handle, submit(content or body()),
                                            TOOLS)).run()
    return scenario.given(STREAM, *events)


Outcome = Literal["agreed", "grades-changed", "below-standard"]


def moderated(outcome: Outcome = "agreed", grade: Grade = Grade.REQUIRES_IMPROVEMENT,
              changed: list[str] | None = None, submission: int = 1) -> AuditModerated:
    return AuditModerated(audit_id=AUDIT, month="2026-11", moderator_id=MODERATOR,
                          outcome=outcome, original_grade=Grade.REQUIRES_IMPROVEMENT,
                          moderated_grade=grade, changed_elements=changed or [],
                          submission=submission)


def finalised(grade: Grade, *, moderated: bool = True, to_standard: bool = True
              ) -> AuditFinalised:
    return AuditFinalised(audit_id=AUDIT, allocation_id=ALLOCATION, month="2026-11",
                          case_id=CASE, child_ref="CHILD-0001", final_grade=grade,
                          moderated=moderated, completed_to_standard=to_standard)


async def run(scenario: Scenario, reaction: Any, event: EventContract
              ) -> list[EventContract]:
    _, events = await scenario.when(partial(reaction, event)).run()
    scenario.given(STREAM, *events)
    return events


async def test_agreed_at_moderation_the_audit_is_final() -> None:
    scenario = await submitted()
    events = await run(scenario, follow_moderation.when_moderated, moderated())
    assert events[1:] == [finalised(Grade.REQUIRES_IMPROVEMENT)]
    # Redelivered: nothing new.
    assert await run(scenario, follow_moderation.when_moderated, moderated()) == []


async def test_final_only_once_every_announced_element_change_has_come() -> None:
    scenario = await submitted()
    events = await run(scenario, follow_moderation.when_moderated, moderated(
        "grades-changed", Grade.INADEQUATE, ["overall", "risk"]))
    assert [type(e) for e in events] == [ModerationRecorded]
    overall = GradeChanged(audit_id=AUDIT, month="2026-11", moderator_id=MODERATOR,
                           from_grade=Grade.REQUIRES_IMPROVEMENT, to_grade=Grade.INADEQUATE,
                           rationale="Risk unmanaged")
    assert [type(e) for e in await run(scenario, follow_moderation.when_grade_changed,
                                       overall)] == [GradeRevised]
    risk = overall.model_copy(update={"element": "risk"})
    events = await run(scenario, follow_moderation.when_grade_changed, risk)
    assert events[1:] == [finalised(Grade.INADEQUATE)]


async def test_returned_reopens_for_the_auditor_and_the_resubmission_is_submission_2() -> None:
    scenario = await submitted()
    reasons = "Findings do not evidence the grades given"
    await run(scenario, follow_moderation.when_moderated, moderated("below-standard"))
    returned = AuditReturnedForRework(audit_id=AUDIT, month="2026-11",
                                      moderator_id=MODERATOR, reasons=reasons)
    assert await run(scenario, follow_moderation.when_returned, returned) == [AuditReopened(
        audit_id=AUDIT, submission=1, moderator_id=MODERATOR, reasons=reasons)]
    _, events = await scenario.when(partial(submit_audit.handle, submit(body()),
                                            TOOLS)).run()
    resubmitted = next(e for e in events if isinstance(e, AuditSubmitted))
    assert resubmitted.submission == 2
    scenario.given(STREAM, *events)
    # The first moderation concerned submission 1; submission 2's moderation finalises it.
    events = await run(scenario, follow_moderation.when_moderated, moderated(submission=2))
    assert events[1:] == [finalised(Grade.REQUIRES_IMPROVEMENT)]


async def test_a_moderator_decided_concern_is_raised_by_the_audit_service() -> None:
    scenario = await submitted()
    decided = ChildOfConcernDecided(audit_id=AUDIT, month="2026-11", moderator_id=MODERATOR,
                                    category=2, reason="Plan does not meet the child's needs",
                                    nature=["service-offer-not-appropriate"],
                                    immediacy="within-a-week")
    events = await run(scenario, follow_moderation.when_concern_decided, decided)
    assert len(events) == 1
    concern = events[0]
    assert isinstance(concern, ChildOfConcernRaised)
    assert (concern.category, concern.decided_by) == (2, "moderator")
    # One per audit: a second decision is a category revision, not a second child.
    assert await run(scenario, follow_moderation.when_concern_decided, decided) == []


async def test_a_long_moderator_rationale_is_shortened_never_refused() -> None:
    scenario = await submitted()
    decided = ChildOfConcernDecided(audit_id=AUDIT, month="2026-11", moderator_id=MODERATOR,
                                    category=1, reason="x" * 4000)
    events = await run(scenario, follow_moderation.when_concern_decided, decided)
    assert isinstance(events[0], ChildOfConcernRaised)
    assert len(events[0].reason) == 2000


async def test_an_auditor_raised_concern_is_not_raised_again_by_a_moderator() -> None:
    scenario = await submitted(inadequate())
    decided = ChildOfConcernDecided(audit_id=AUDIT, month="2026-11", moderator_id=MODERATOR,
                                    category=1, reason="Immediate risk")
    assert await run(scenario, follow_moderation.when_concern_decided, decided) == []


async def test_reallocation_moves_the_audit_to_the_new_auditor() -> None:
    scenario = spec().given(STREAM, assigned())
    moved = CaseReallocated(allocation_id=ALLOCATION, cycle_id=CYCLE, month="2026-11",
                            from_auditor_id=AUDITOR, auditor_id="staff-0100",
                            auditor_team="south", reason="sickness")
    assert await run(scenario, follow_allocation.when_case_reallocated, moved) == [
        AuditReallocated(audit_id=AUDIT, from_auditor_id=AUDITOR, auditor_id="staff-0100",
                         reason="sickness")]
    _, events = await scenario.when(partial(
        submit_audit.handle, submit(body(), by="staff-0100"), TOOLS)).run()
    submission = next(e for e in events if isinstance(e, AuditSubmitted))
    assert submission.auditor_id == "staff-0100"


CLOSED = AuditCycleClosed(cycle_id=CYCLE, month="2026-11", auditors_in_pool=3,
                          non_operational_exemptions=0, operational_exemptions=0,
                          allocated=1, completed=1, late_returns=0, nil_returns=0)


async def close(scenario: Scenario) -> list[EventContract]:
    scenario.given(cycle_stream(CYCLE), AuditJoinedCycle(cycle_id=CYCLE, audit_id=AUDIT))
    _, events = await scenario.when(partial(follow_allocation.when_cycle_closed, CLOSED)).run()
    return events


async def test_at_the_close_a_submitted_audit_not_sampled_is_final_unmoderated() -> None:
    events = await close(await submitted())
    assert events[:2] == [
        AuditCycleEnded(audit_id=AUDIT, cycle_id=CYCLE, standing="final"),
        finalised(Grade.REQUIRES_IMPROVEMENT, moderated=False)]


async def test_at_the_close_a_returned_audit_is_not_completed_to_standard() -> None:
    scenario = await submitted()
    await run(scenario, follow_moderation.when_returned, AuditReturnedForRework(
        audit_id=AUDIT, month="2026-11", moderator_id=MODERATOR, reasons="Not evidenced"))
    events = await close(scenario)
    assert events[:2] == [
        AuditCycleEnded(audit_id=AUDIT, cycle_id=CYCLE, standing="returned-not-resubmitted"),
        finalised(Grade.REQUIRES_IMPROVEMENT, to_standard=False)]


async def test_at_the_close_a_sampled_audit_waits_for_its_moderation() -> None:
    scenario = await submitted()
    sampled = AuditSampled(audit_id=AUDIT, month="2026-11", auditor_id=AUDITOR,
                           reasons=["random"])
    assert [type(e) for e in await run(scenario, follow_moderation.when_sampled, sampled)] \
        == [AuditSampledForModeration]
    events = await close(scenario)
    assert events[0] == AuditCycleEnded(audit_id=AUDIT, cycle_id=CYCLE,
                                        standing="awaiting-moderation")
    assert not [e for e in events if isinstance(e, AuditFinalised)]


async def test_at_the_close_an_unsubmitted_audit_is_a_nil_return_and_closes() -> None:
    scenario = spec().given(STREAM, assigned())
    events = await close(scenario)
    assert events[0] == AuditCycleEnded(audit_id=AUDIT, cycle_id=CYCLE,
                                        standing="not-submitted")
    # The cycle's close is applied once.
    scenario.given(audit_stream(AUDIT), events[0])
    scenario.given(cycle_stream(CYCLE), *events[1:])
    _, again = await scenario.when(partial(follow_allocation.when_cycle_closed, CLOSED)).run()
    assert again == []


def test_ids_are_stable() -> None:
    assert audit_stream(AUDIT) == STREAM
    assert isinstance(uuid.UUID(str(AUDIT)), uuid.UUID)

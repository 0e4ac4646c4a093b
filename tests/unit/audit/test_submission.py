"""Submitting an audit through the kit's harness: checked against the tool version the
audit is pinned to, every field at fault named at once, nothing recorded on refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import pytest
from pydantic import ValidationError

from services.audit.application import submit_audit
from services.audit.domain.content import Submission
from services.audit.domain.doing import NotYourAudit
from services.audit.domain.events import AuditFindingsRecorded, AuditStarted
from services.audit.domain.streams import action_id, concern_id
from services.audit.domain.tools import ToolCatalogue
from shared.events.audit import ActionRaised, AuditSubmitted, ChildOfConcernRaised
from shared.events.common import Grade
from shared.events.vocabulary import Engagement, LearningTheme, Priority
from shared.kernel.clock import LONDON
from shared.kernel.errors import FieldsRefused, NotFound, RuleBroken
from tests.unit.audit.builders import (
    AUDIT,
    AUDITOR,
    CORE,
    STREAM,
    TOOLS,
    assigned,
    body,
    fields,
    inadequate,
    spec,
    submit,
)


def handle(content: dict[str, Any], tools: ToolCatalogue = TOOLS, by: str = AUDITOR) -> Any:
    return partial(submit_audit.handle, submit(content, by), tools)


async def test_a_submission_records_findings_grades_engagement_and_each_action() -> None:
    result, events = await spec().given(STREAM, assigned()).when(handle(body())).run()

    assert [type(e) for e in events] == [AuditStarted, AuditFindingsRecorded, AuditSubmitted,
                                        ActionRaised, ActionRaised]
    submitted = events[2]
    assert isinstance(submitted, AuditSubmitted)
    assert (submitted.audit_tool, submitted.tool_version, submitted.submission) == ("core", 1, 1)
    assert submitted.element_grades["risk"] is Grade.REQUIRES_IMPROVEMENT
    assert len(submitted.element_grades) == 9
    # Risk requires improvement caps the overall grade at requires improvement: it applied.
    assert submitted.limited_by == ["risk"]
    assert submitted.learning_themes == [LearningTheme.PLANNING, LearningTheme.RECORDING]
    assert submitted.engagement == Engagement(
        with_social_worker=True, manager_participated=True, child_contacted=False,
        parents_or_carers_giving_views=2, iro_or_cp_chair_views=True)
    assert submitted.late is False
    actions = [e for e in events if isinstance(e, ActionRaised)]
    assert [(a.action_id, a.owner_id, a.priority) for a in actions] == [
        (action_id(AUDIT, 1, 0), "tm-1", Priority.MEDIUM),
        (action_id(AUDIT, 1, 1), "sw-9", Priority.HIGH)]
    findings = events[1]
    assert isinstance(findings, AuditFindingsRecorded)
    assert findings.findings.strengths.startswith("Warm")
    assert result.action_ids == [a.action_id for a in actions]
    assert result.limited_by == ["risk"]


async def test_an_audit_may_raise_no_action() -> None:
    _, events = await spec().given(STREAM, assigned()).when(handle(body(actions=[]))).run()
    assert not [e for e in events if isinstance(e, ActionRaised)]


async def test_every_missing_answer_and_grade_is_named_at_once_and_nothing_recorded() -> None:
    content = body(answers={"child-seen-alone": "yes"},
                   element_grades={"risk": "good", "impact": "good"}, overall_grade="good")
    refused = await (spec().given(STREAM, assigned()).when(handle(content))
                     .then_fails(FieldsRefused))
    assert set(fields(refused)) == {
        ("answers", "child-seen-in-timescales"), ("answers", "chronology-up-to-date"),
        *(("element_grades", e.id) for e in CORE.elements if e.id not in {"risk", "impact"})}


@pytest.mark.parametrize(("change", "loc"), [
    ({"answers": {**body()["answers"], "child-seen-alone": "sometimes"}},
     ("answers", "child-seen-alone")),
    ({"answers": {**body()["answers"], "child-seen-in-timescales": "yes"}},
     ("answers", "child-seen-in-timescales")),
    ({"answers": {**body()["answers"], "last-supervision": "last week"}},
     ("answers", "last-supervision")),
    ({"answers": {**body()["answers"], "favourite-colour": "blue"}},
     ("answers", "favourite-colour")),
    ({"element_grades": {**body()["element_grades"], "risk": "adequate"}},
     ("element_grades", "risk")),
    ({"element_grades": {**body()["element_grades"], "housing": "good"}},
     ("element_grades", "housing")),
    ({"overall_grade": "adequate"}, ("overall_grade",)),
    ({"engagement": {**body()["engagement"], "with_social_worker": False}},
     ("engagement", "not_with_social_worker_because")),
    ({"actions": [{"description": "Late", "owner_id": "tm-1", "due_date": "2026-10-31",
                   "priority": "low"}]}, ("actions", 0, "due_date")),
])
async def test_a_field_that_does_not_fit_the_tool_is_refused_by_name(
        change: dict[str, Any], loc: tuple[str | int, ...]) -> None:
    refused = await (spec().given(STREAM, assigned()).when(handle(body(**change)))
                     .then_fails(FieldsRefused))
    assert fields(refused) == [loc]


async def test_an_overall_grade_better_than_a_limiting_element_allows_is_refused() -> None:
    grades = body()["element_grades"] | {"risk": "inadequate"}
    refused = await (spec().given(STREAM, assigned())
                     .when(handle(body(element_grades=grades, overall_grade="good")))
                     .then_fails(FieldsRefused, "Risk is a limiting element"))
    assert fields(refused) == [("overall_grade",)]


async def test_inadequate_needs_the_child_of_concern_decision() -> None:
    refused = await (spec().given(STREAM, assigned())
                     .when(handle(inadequate(child_of_concern=None)))
                     .then_fails(FieldsRefused, "Child of Concern decision"))
    assert fields(refused) == [("child_of_concern",)]


async def test_a_concern_on_a_grade_other_than_inadequate_is_refused() -> None:
    content = body(child_of_concern=inadequate()["child_of_concern"])
    refused = await (spec().given(STREAM, assigned()).when(handle(content))
                     .then_fails(FieldsRefused, "only on an audit graded inadequate"))
    assert fields(refused) == [("child_of_concern",)]


async def test_a_category_1_concern_carries_its_descriptors_and_both_limits_applied() -> None:
    _, events = await spec().given(STREAM, assigned()).when(handle(inadequate())).run()
    submitted = next(e for e in events if isinstance(e, AuditSubmitted))
    assert submitted.limited_by == ["risk", "impact"]
    concern = events[-1]
    assert isinstance(concern, ChildOfConcernRaised)
    assert (concern.concern_id, concern.category, concern.decided_by) == (
        concern_id(AUDIT, 1), 1, "auditor")
    assert [n.value for n in concern.nature] == ["risk-not-assessed"]
    assert concern.immediacy is not None
    assert concern.immediacy.value == "same-day"


def test_category_1_means_a_same_day_response() -> None:
    with pytest.raises(ValidationError) as refused:
        Submission.model_validate(inadequate(child_of_concern={
            **inadequate()["child_of_concern"], "immediacy": "within-a-week"}))
    assert [e["loc"] for e in refused.value.errors()] == [("child_of_concern", "immediacy")]


async def test_only_the_assigned_auditor_may_submit() -> None:
    await (spec().given(STREAM, assigned()).when(handle(body(), by="staff-0099"))
           .then_fails(NotYourAudit))


async def test_an_audit_never_assigned_cannot_be_submitted() -> None:
    await spec().when(handle(body())).then_fails(NotFound)


async def test_a_submitted_audit_is_not_submitted_again_unless_returned() -> None:
    scenario = spec().given(STREAM, assigned())
    _, events = await scenario.when(handle(body())).run()
    scenario.given(STREAM, *events)
    await scenario.when(handle(body())).then_fails(RuleBroken, "already been submitted")


async def test_the_pinned_version_is_the_one_checked_when_a_new_version_is_published() -> None:
    # Version 2 drops an element and adds a mandatory question; the audit stays on v1.
    v2 = CORE.model_copy(update={"version": 2, "elements": CORE.elements[:-1],
                                 "questions": [*CORE.questions, CORE.questions[0].model_copy(
                                     update={"id": "new-question"})]})
    tools = ToolCatalogue([*TOOLS.all(), v2])
    _, events = await spec().given(STREAM, assigned()).when(handle(body(), tools)).run()
    submitted = next(e for e in events if isinstance(e, AuditSubmitted))
    assert (submitted.tool_version, len(submitted.element_grades)) == (1, 9)


async def test_a_published_version_edited_in_place_is_refused_not_applied() -> None:
    edited = CORE.model_copy(update={"questions": CORE.questions[1:]})
    tools = ToolCatalogue([edited, *(t for t in TOOLS.all() if t.id != "core")])
    await (spec().given(STREAM, assigned()).when(handle(body(), tools))
           .then_fails(RuleBroken, "has changed since this audit was assigned"))


async def test_an_audit_on_a_tool_not_loaded_says_so() -> None:
    await (spec().given(STREAM, assigned(tool="kinship-care", version=None, digest=None))
           .when(handle(body())).then_fails(RuleBroken, "kinship-care, which is not loaded"))


async def test_a_legacy_audit_is_done_on_the_overall_only_tool() -> None:
    legacy = assigned(tool="legacy-overall", version=1, digest=None)
    content = body(answers={}, element_grades={}, overall_grade="good")
    _, events = await spec().given(STREAM, legacy).when(handle(content)).run()
    submitted = next(e for e in events if isinstance(e, AuditSubmitted))
    assert (submitted.audit_tool, submitted.element_grades) == ("legacy-overall", {})


@pytest.mark.parametrize(
    ("deadline", "now", "late"),
    [
        # Winter: London is on GMT, so these instants fall on the same day in UTC.
        (date(2026, 11, 30), datetime(2026, 12, 1, 0, 30, tzinfo=LONDON), True),
        (date(2026, 11, 30), datetime(2026, 11, 30, 23, 30, tzinfo=UTC), False),
        # Summer: 23:30 UTC is already the next day in London (BST), so it is late.
        (date(2026, 6, 30), datetime(2026, 6, 30, 23, 30, tzinfo=UTC), True),
        (date(2026, 6, 30), datetime(2026, 6, 30, 22, 59, tzinfo=UTC), False),
    ],
)
async def test_late_means_after_the_deadline_day_in_london(
    deadline: date, now: datetime, late: bool
) -> None:
    content = body(actions=[])
    result, _ = await spec(now).given(STREAM, assigned(deadline)).when(handle(content)).run()
    assert result.late is late

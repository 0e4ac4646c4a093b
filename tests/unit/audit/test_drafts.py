"""Starting an audit and saving drafts: events, so the trail shows how the audit evolved;
the merged draft is what the auditor resumes."""

from __future__ import annotations

from functools import partial

from services.audit.application import save_draft, start_audit, submit_audit
from services.audit.domain.commands import StartAudit
from services.audit.domain.content import Draft
from services.audit.domain.doing import NotYourAudit
from services.audit.domain.events import AuditDraftSaved, AuditStarted
from services.audit.domain.tools import Scale, ToolCatalogue
from shared.kernel.errors import FieldsRefused, RuleBroken
from tests.unit.audit.builders import (
    AUDIT,
    AUDITOR,
    CORE,
    STREAM,
    TOOLS,
    assigned,
    body,
    draft,
    fields,
    spec,
    submit,
)


async def test_the_auditor_starts_the_audit_once() -> None:
    scenario = spec().given(STREAM, assigned())
    result = await (scenario.when(partial(start_audit.handle, StartAudit(AUDIT, AUDITOR), TOOLS))
                    .then(AuditStarted(audit_id=AUDIT, started_by=AUDITOR)))
    assert (result.audit_tool, result.tool_version, result.status) == ("core", 1, "in-progress")
    scenario.given(STREAM, AuditStarted(audit_id=AUDIT, started_by=AUDITOR))
    await scenario.when(partial(start_audit.handle, StartAudit(AUDIT, AUDITOR), TOOLS)).then()


async def test_only_the_assigned_auditor_starts_it() -> None:
    await (spec().given(STREAM, assigned())
           .when(partial(start_audit.handle, StartAudit(AUDIT, "staff-0099"), TOOLS))
           .then_fails(NotYourAudit))


async def test_an_audit_whose_tool_was_not_loaded_is_pinned_when_it_starts() -> None:
    unpinned = assigned(tool="core", version=None, digest=None)
    await (spec().given(STREAM, unpinned)
           .when(partial(start_audit.handle, StartAudit(AUDIT, AUDITOR), TOOLS))
           .then(AuditStarted(audit_id=AUDIT, started_by=AUDITOR, tool_version=1,
                              tool_digest=CORE.digest)))


async def test_starting_on_a_tool_still_not_loaded_fails_loudly() -> None:
    unloaded = assigned(tool="kinship-care", version=None, digest=None)
    await (spec().given(STREAM, unloaded)
           .when(partial(start_audit.handle, StartAudit(AUDIT, AUDITOR), TOOLS))
           .then_fails(RuleBroken, "AUDIT_TOOLS_DIR"))


async def test_drafts_are_saved_and_resumed_merged() -> None:
    scenario = spec().given(STREAM, assigned())
    first = draft({"answers": {"child-seen-alone": "yes"},
                   "element_grades": {"risk": "good"},
                   "engagement": {"with_social_worker": True}})
    result, events = await scenario.when(partial(save_draft.handle, first, TOOLS)).run()
    assert [type(e) for e in events] == [AuditStarted, AuditDraftSaved]
    scenario.given(STREAM, *events)
    second = draft({"answers": {"child-seen-alone": None, "chronology-up-to-date": True},
                    "element_grades": {"assessment": "good"}, "overall_grade": "good",
                    "engagement": {"child_contacted": False}})
    result, events = await scenario.when(partial(save_draft.handle, second, TOOLS)).run()
    # The event keeps what this save sent (the trail), not the merged whole.
    saved = events[0]
    assert isinstance(saved, AuditDraftSaved)
    assert set(saved.draft.model_dump()) == {"answers", "element_grades", "overall_grade",
                                             "engagement"}
    assert result.draft == Draft.model_validate({
        "answers": {"chronology-up-to-date": True},
        "element_grades": {"risk": "good", "assessment": "good"}, "overall_grade": "good",
        "engagement": {"with_social_worker": True, "child_contacted": False}})
    assert result.changed == ["answers", "element_grades", "engagement", "overall_grade"]


async def test_a_draft_must_fit_the_tool_by_field() -> None:
    bad = draft({"answers": {"child-seen-alone": "maybe", "no-such": True},
                 "element_grades": {"risk": "adequate"}})
    refused = await (spec().given(STREAM, assigned())
                     .when(partial(save_draft.handle, bad, TOOLS)).then_fails(FieldsRefused))
    assert sorted(map(str, fields(refused))) == sorted(map(str, [
        ("answers", "child-seen-alone"), ("answers", "no-such"), ("element_grades", "risk")]))


async def test_no_draft_after_submission_until_the_audit_is_returned() -> None:
    scenario = spec().given(STREAM, assigned())
    _, events = await scenario.when(partial(submit_audit.handle, submit(body()), TOOLS)).run()
    scenario.given(STREAM, *events)
    await (scenario.when(partial(save_draft.handle, draft({"overall_grade": "good"}), TOOLS))
           .then_fails(RuleBroken, "already been submitted"))


async def test_a_tool_edited_in_place_refuses_drafts_too() -> None:
    edited = CORE.model_copy(update={"scale": Scale.OFSTED_2012})
    tools = ToolCatalogue([edited])
    await (spec().given(STREAM, assigned())
           .when(partial(save_draft.handle, draft({"overall_grade": "good"}), tools))
           .then_fails(RuleBroken, "changed since"))
